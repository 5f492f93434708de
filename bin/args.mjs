// A small, strict command-line parser: `--name value`, `--name=value` and boolean `--flag`; anything
// unknown or malformed is a UsageError with a one-line reason (exit status 2). A lone `-x` is an unknown
// option too (never a file name: write `./-x`, or put it after `--`, which ends the options); `-h` is --help.
export class UsageError extends Error {}

function parseValue(name, type, text) {
  if (text === undefined || text.startsWith('--')) throw new UsageError(`--${name} needs a value`);
  if (type === 'string') return text;
  if (type === 'int') {
    if (!/^\d+$/.test(text)) throw new UsageError(`--${name} must be a non-negative integer, got '${text}'`);
    return Number(text);
  }
  if (type === 'int-list') {
    const parts = text.split(',');
    if (!parts.every((p) => /^\d+$/.test(p))) {
      throw new UsageError(`--${name} must be an integer or a comma list of integers, got '${text}'`);
    }
    return parts.map(Number);
  }
  throw new Error(`internal: unknown option type ${type}`);
}

// spec: { name: 'string' | 'int' | 'int-list' | 'boolean' }. Returns { name: value, _: [positionals] }.
export function parseArgs(argv, spec) {
  const out = { _: [] };
  let optionsEnded = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (optionsEnded || arg === '-' || !arg.startsWith('-')) {
      out._.push(arg);
      continue;
    }
    if (arg === '--') {
      optionsEnded = true;
      continue;
    }
    if (arg === '-h' && spec.help) {
      out.help = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new UsageError(`unknown option ${arg} (options are spelled --name; a file named ${arg} is ./${arg})`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const type = spec[name];
    if (!type) throw new UsageError(`unknown option --${name}`);
    if (type === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      out[name] = true;
    } else {
      out[name] = parseValue(name, type, eq >= 0 ? arg.slice(eq + 1) : argv[++i]);
    }
  }
  return out;
}
