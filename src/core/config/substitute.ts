/**
 * @module core/config/substitute
 *
 * Environment substitution in `openmetadata.yaml`, done the way Dropwizard's
 * `EnvironmentVariableSubstitutor` (Apache Commons `StringSubstitutor`) does it: textually, before
 * the YAML is parsed. `${VAR}` is replaced by the variable's value, `${VAR:-default}` by the value
 * or, when the variable is not defined at all, by `default` exactly as written (quotes included, so
 * `${X:-"false"}` yields the YAML string `false` while `X=true` yields a YAML boolean). `$${VAR}` is
 * the escape for a literal `${VAR}`.
 *
 * Where omsm differs from upstream: an undefined variable with no default is an error naming the
 * variable and its line (upstream silently leaves `${VAR}` in the value); and full-line YAML
 * comments are left alone, so a `${VAR}` in a comment never breaks a config.
 */
import { omsmError } from '../errors.js';

/** Variables visible to substitution; `process.env` fits. */
export type Env = Readonly<Record<string, string | undefined>>;

// `$${...}` (escape), or `${NAME}` / `${NAME:-default}`. Names follow the shell's rules; defaults
// run to the first `}` (StringSubstitutor without nested variables, as Dropwizard configures it).
const VARIABLE = /\$(\$)?\{([A-Za-z_][A-Za-z0-9_.]*)(?::-([^}\n]*))?\}/g;

/**
 * Replaces every `${VAR}` and `${VAR:-default}` in `text` with values from `env`.
 * A variable set to the empty string is used as is (only an undefined variable takes the default,
 * as in StringSubstitutor).
 * @throws OmsmError OMSM_ERR_CONFIG_UNDEFINED_VAR for the first `${VAR}` with no value and no
 *   default, naming the variable and its 1-based line.
 * @example substitute('port: ${SERVER_PORT:-8585}', {}) === 'port: 8585'
 */
export function substitute(text: string, env: Env): string {
  const lines = text.split('\n');
  return lines
    .map((line, index) => {
      if (/^\s*#/.test(line)) return line;
      return line.replace(VARIABLE, (match, escaped: string | undefined, name: string, fallback?: string) => {
        if (escaped) return match.slice(1);
        const value = env[name];
        if (value !== undefined) return value;
        if (fallback !== undefined) return fallback;
        throw omsmError(
          'OMSM_ERR_CONFIG_UNDEFINED_VAR',
          `\${${name}} on line ${index + 1} is not set and has no default`,
          { path: name, line: index + 1 },
        );
      });
    })
    .join('\n');
}
