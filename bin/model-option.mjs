// --model / --random-weights / --threads / --refine -> HairMatte.create options, shared by the commands.
// The names and limits come from the engine's facts (bindings/js/constants.mjs), so is the help text's
// description of them.
import path from 'node:path';
import {
  BUNDLED_MODELS, ARCH_NAMES, REFINE_MODES, QUALITIES, MAX_THREADS,
} from '../bindings/js/constants.mjs';
import { UsageError } from './args.mjs';

// For help texts: ['a', 'b'] -> 'a|b'; and "a (default) or b".
export const choices = (names) => names.join('|');
export const withDefault = (names) => `${names[0]} (default)${names.length > 1 ? ` or ${names.slice(1).join(', ')}` : ''}`;
export const MODEL_HELP = `--model NAME|FILE   ${BUNDLED_MODELS.map((m, i) => `'${m}'${i ? '' : ' (default)'}`).join(', ')
} (bundled), or a .hmm file`;
export const REFINE_HELP = `--refine MODE       ${withDefault(REFINE_MODES)}`;
export const QUALITY_HELP = `--quality Q         ${withDefault(QUALITIES)} (the network also on the mirror image; twice its time)`;

export function engineOptions(args, { size } = {}) {
  const name = args.model ?? BUNDLED_MODELS[0];
  const refine = args.refine ?? REFINE_MODES[0];
  if (!REFINE_MODES.includes(refine)) throw new UsageError(`--refine must be ${REFINE_MODES.join(' or ')}, got '${refine}'`);
  const threadList = args.threads ?? [1];
  if (threadList.length !== 1 && !args.allowThreadList) throw new UsageError('--threads takes one number here');
  if (threadList.some((t) => t < 1 || t > MAX_THREADS)) throw new UsageError(`--threads must be in 1..${MAX_THREADS}`);
  let model = name;
  if (!BUNDLED_MODELS.includes(name) && !args['random-weights']) {
    // Not a bundled name: a file, whatever it is called (mymodel.bin works as well as ./mymodel.bin; the
    // API alone would take a bare word for an unknown bundled name). A missing file fails to read (exit 1).
    model = path.resolve(name);
  }
  if (args['random-weights']) {
    if (!ARCH_NAMES.includes(name)) {
      throw new UsageError(`--random-weights needs an architecture name (${ARCH_NAMES.join(', ')}), got '${name}'`);
    }
    model = size ? { random: name, inputSize: size } : { random: name };
  }
  return { model, refine, threads: threadList[0], threadList };
}
