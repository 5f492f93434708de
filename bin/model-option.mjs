// --model / --random-weights / --threads / --refine -> HairMatte.create options, shared by the commands.
import path from 'node:path';
import { BUNDLED_MODELS } from '../bindings/js/index.mjs';
import { UsageError } from './args.mjs';

export function engineOptions(args, { size } = {}) {
  const name = args.model ?? 'hairmattenet';
  const refine = args.refine ?? 'guided';
  if (!['guided', 'none'].includes(refine)) throw new UsageError(`--refine must be guided or none, got '${refine}'`);
  const threadList = args.threads ?? [1];
  if (threadList.length !== 1 && !args.allowThreadList) throw new UsageError('--threads takes one number here');
  if (threadList.some((t) => t < 1 || t > 16)) throw new UsageError('--threads must be in 1..16');
  let model = name;
  if (!BUNDLED_MODELS.includes(name) && !args['random-weights']) {
    // Not a bundled name: a file, whatever it is called (mymodel.bin works as well as ./mymodel.bin; the
    // API alone would take a bare word for an unknown bundled name). A missing file fails to read (exit 1).
    model = path.resolve(name);
  }
  if (args['random-weights']) {
    const archs = BUNDLED_MODELS.filter((m) => !m.endsWith('-int8'));  // random weights are float
    if (!archs.includes(name)) {
      throw new UsageError(`--random-weights needs an architecture name (${archs.join(', ')}), got '${name}'`);
    }
    model = size ? { random: name, inputSize: size } : { random: name };
  }
  return { model, refine, threads: threadList[0], threadList };
}
