/**
 * @module core/providers/module
 *
 * What a provider brings besides its opener: everything the rest of omsm would otherwise learn by
 * testing the provider's name. Operator tools (doctor, migrate's dry-run, orphan reports), the
 * server (readiness, workflow configs) and ingestion ask the module; none of them branches on
 * `secretsManager`. Core's modules (db, in-memory) are in `core-modules.ts`; the kubernetes module
 * lives in `src/kubernetes/module.ts` and is registered, lazily, in `src/providers.ts`.
 */
import type { BackendObserver } from './observer.js';
import type { OmsmConfig, ProviderName } from '../config/config-types.js';
import type { Logger } from '../logging.js';
import type { SecretId } from '../naming/secret-name.js';
import type { InMemoryStore } from './in-memory-provider.js';
import type { SecretsProvider } from './provider.js';

/** The part of a config a provider reads: its settings and the Fernet key (db). */
export type ProviderConfig = Pick<OmsmConfig, 'secretsManagerConfiguration' | 'fernetConfiguration'>;

export interface OpenProviderOptions {
  /** Open for reads only (ingestion, checks): writes throw SECRET_READ_ONLY. */
  readonly readOnly?: boolean;
  readonly logger?: Logger;
  /** Root for the in-cluster ServiceAccount files (tests point it at a temp dir). */
  readonly inClusterPrefix?: string;
  /** Shared state for `in-memory` (so several providers in one process see the same secrets). */
  readonly inMemoryStore?: InMemoryStore;
  /** Told about every backend API call and retry (the server's metrics). */
  readonly observer?: BackendObserver;
}

/** One line of `omsm doctor`: OK, a warning, a failure with its fix, or why it did not apply. */
export interface DoctorCheck {
  /** Stable id for machines, e.g. `config`, `reachable`, `identity`, `verb:create`, `namespace`, `fernet`. */
  readonly id: string;
  readonly status: 'ok' | 'warn' | 'fail' | 'skip';
  /** One line, never a secret value. */
  readonly message: string;
  /** What to run or change when the status is `fail` or `warn`. */
  readonly fix?: string;
}

export interface DoctorContext {
  /** The settings to check (the connection the role would use, already chosen by doctor). */
  readonly config: ProviderConfig;
  /** `server` needs every write verb; `ingestion` reads only. */
  readonly role: 'server' | 'ingestion';
  /** Also check what orphan reports need (listing the store). */
  readonly withList: boolean;
  /** The command that grants an identity what it lacks (doctor knows the CLI's `omsm rbac` line). */
  readonly accessFix: (username: string) => string;
}

export interface ProviderDoctor {
  /**
   * True when doctor's `--kubeconfig` names a connection for this provider, so doctor checks it
   * even for a config whose own provider has nothing to reach.
   */
  readonly takesKubeconfig: boolean;
  /**
   * The store's checks in order; a check that cannot tell is a failure, never an OK. `reached` is
   * false when the store could not be reached or rejected the credentials, so checks that compare
   * against it would mislead. Throws nothing.
   */
  checks(context: DoctorContext): Promise<{ readonly checks: DoctorCheck[]; readonly reached: boolean }>;
}

/** One entry of an external store, as listed: names and metadata, never a value. */
export interface StoreEntry {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Creation time, epoch ms. */
  readonly created?: number;
}

/** A look at an external store without the provider's write path (dry-run plans, orphan reports). */
export interface StoreInspector {
  /** Where the entries live, for reports (e.g. the namespace). */
  readonly where: string;
  /**
   * Why `store(id)` would be refused (an unmanaged entry under the name, or one recorded for
   * another id), or undefined. Reads metadata only.
   */
  ownershipProblem(id: SecretId): Promise<string | undefined>;
  /**
   * Every entry in the store, page by page (metadata only).
   * @param configPath named in the fix when listing is not allowed.
   * @throws OmsmError OMSM_ERR_KUBE_ACCESS (or the provider's equivalent) when listing is denied.
   */
  list(configPath: string): Promise<StoreEntry[]>;
  close(): Promise<void>;
}

/** A readiness condition of an opened provider, for /readyz (no secret values). */
export interface ProviderReadiness {
  readonly name: string;
  check(): Promise<{ ok: boolean; detail?: string }>;
}

export interface ProviderModule {
  readonly name: ProviderName;
  /**
   * True when values live inside the stored form (db): there is nothing to fetch, list or
   * inspect, and ingestion needs no connection.
   */
  readonly inline: boolean;
  /**
   * What the Fernet key does under this provider: `stores` (it encrypts every value in the
   * database), `reads` (it opens values not yet migrated out of the database), or absent (unused).
   */
  readonly fernetKey?: 'stores' | 'reads';
  /**
   * Opens the provider.
   * @throws OmsmError the provider's configuration and connection errors.
   */
  open(config: ProviderConfig, options: OpenProviderOptions): Promise<SecretsProvider>;
  /** A human label of where a config's secrets live, e.g. `kubernetes (namespace om, in-cluster)`. */
  describe(config: ProviderConfig): string;
  /**
   * How two configs of this provider reach the same store (`are the same`, `reach the same API
   * server and namespace`), or undefined when they are distinct. A migration between the same
   * store moves nothing, and `--delete-source` would delete the only copy.
   * @throws OmsmError when a connection file cannot be read.
   */
  sameStore(a: ProviderConfig, b: ProviderConfig): Promise<string | undefined>;
  /** Settings a workflow config needs to find the secrets (e.g. the namespace); default none. */
  workflowSettings?(config: ProviderConfig): Readonly<Record<string, string>>;
  /** What /readyz checks besides the database; `provider` is the opened one (or its decorator). */
  readiness?(provider: SecretsProvider): readonly ProviderReadiness[];
  /** Doctor's checks of the store's reachability and permissions; absent = nothing to reach. */
  readonly doctor?: ProviderDoctor;
  /**
   * An inspector of the store a config names (absent for stores with nothing to inspect).
   * @throws OmsmError the provider's configuration errors.
   */
  inspector?(config: ProviderConfig): Promise<StoreInspector>;
}
