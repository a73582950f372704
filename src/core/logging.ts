/**
 * @module core/logging
 *
 * The logger every part of omsm uses: pino, JSON lines on stderr (stdout belongs to command
 * output), with redaction of the keys that carry secrets so a careless `log.info({ config })`
 * cannot leak one. Redaction is a safety net, not permission: code still logs names, not values.
 */
import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/** Keys whose values are replaced by `[redacted]` at any of the first few nesting levels. */
export const REDACTED_KEYS = [
  'password',
  'token',
  'JWTToken',
  'jwtToken',
  'fernetKey',
  'jwtSecret',
  'adminToken',
  'metricsToken',
  'authorization',
  'Authorization',
  'secret',
  'value',
  'privateKey',
  'private_key',
  'apiKey',
  'accessToken',
  'refreshToken',
  'clientSecret',
  'awsSecretAccessKey',
  'client-key-data',
  'cookie',
] as const;

const DEPTH = 4;

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const key of REDACTED_KEYS) {
    const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    let prefix = '';
    for (let depth = 0; depth < DEPTH; depth++) {
      paths.push(prefix === '' ? k : k.startsWith('[') ? `${prefix}${k}` : `${prefix}.${k}`);
      prefix = prefix === '' ? '*' : `${prefix}.*`;
    }
  }
  return paths;
}

/**
 * pino's name for a level given in upstream's words (`OFF`, `ALL`, any case) or pino's own.
 * @example pinoLevel('DEBUG') === 'debug'; pinoLevel('OFF') === 'silent'
 */
export function pinoLevel(level: string): string {
  const l = level.trim().toLowerCase();
  return l === 'off' ? 'silent' : l === 'all' ? 'trace' : l;
}

export interface LoggerOptions {
  /**
   * Level in upstream's or pino's words; default `OMSM_LOG_LEVEL`, then `LOG_LEVEL`, then `info`
   * (commands that load a config pass its `logging.level`, which already applies that order).
   */
  readonly level?: string;
  /** Component name added to every line. */
  readonly name?: string;
  /** Where to write (default stderr, fd 2). Tests pass a stream. */
  readonly destination?: NodeJS.WritableStream;
}

/**
 * A pino logger with omsm's redaction.
 * @example createLogger({ name: 'server' }).info({ secretName }, 'stored')
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: pinoLevel(options.level || process.env.OMSM_LOG_LEVEL || process.env.LOG_LEVEL || 'info'),
      ...(options.name ? { name: options.name } : {}),
      redact: { paths: redactPaths(), censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

/** A logger that drops everything (library default when the caller gives none). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
