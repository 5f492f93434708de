#!/usr/bin/env node
// The hairmatte command line: `npx hairmatte <command> [options]`. See `hairmatte --help`.
// Exit 0 on success; on failure a one-line reason on stderr and exit 1 (2 for a usage error).
import { runBench } from './bench.mjs';
import { runMatte } from './matte.mjs';
import { runRecolor } from './recolor.mjs';
import { runEval, EVAL_SPEC, EVAL_HELP } from './eval.mjs';
import { parseArgs, UsageError } from './args.mjs';

const HELP = {
  main: `usage: hairmatte <command> [options]

commands:
  matte     write the alpha matte of each image (JPEG/PNG) as an 8-bit PNG
  recolor   write a photo with its hair recoloured
  eval      F1, Performance, IoU, Accuracy, gradient consistency against hand-drawn masks
  bench     ms per frame of segment() (median of >= 30 runs after warm-up)

hairmatte <command> --help shows the options of a command.`,
  matte: `usage: hairmatte matte <image|dir>... --out DIR [--model NAME|FILE] [--refine guided|none]
                       [--quality fast|best] [--random-weights] [--threads N] [--progress]
                       [--keep-going | --fail-fast]

  writes DIR/<path relative to the input folder (or the file name), extension .png>: the 8-bit alpha
  matte at the image's resolution. Folders are searched recursively for .jpg, .jpeg and .png files.
  Each photo is seen whole by the network (stretched to its square input, as in training).
  --model NAME|FILE   'hairmattenet' (default), 'hairmattenet-int8' or 'hairsegnet' (bundled), or a .hmm file
  --refine MODE       guided (default) or none
  --quality Q         fast (default) or best (the network also on the mirror image; twice its time)
  --random-weights    the named architecture with random weights (for trying the tool out)
  --threads N         threads (default 1)
  --progress          show the progress bar on stderr even when it is not a terminal (it shows on a
                      terminal anyway, for more than one image); stdout gets one summary line
  --keep-going        (default) matte every readable image; those that cannot be read, decoded or
                      written are listed on stderr at the end, and the exit status is then 1
  --fail-fast         stop at the first image that fails (exit status 1)
  Symbolic links to images and folders are followed; use ./-name (or --) for a file named like an option.`,
  recolor: `usage: hairmatte recolor <image> --color '#RRGGBB' [--mode solid|ombre|highlights]
                         [--color-end '#RRGGBB'] [--strength 0..1] --out FILE.png
                         [--model NAME|FILE] [--refine guided|none] [--quality fast|best]
                         [--random-weights] [--threads N]

  --color       target hair colour (the roots, for ombre)
  --mode        solid (default), ombre (--color to --color-end from roots to tips) or highlights
  --strength    0..1 (default 0.8)`,
  eval: EVAL_HELP,
  bench: `usage: hairmatte bench [--model NAME|FILE] [--random-weights] [--size 224] [--threads N[,N...]]
                       [--refine guided|none] [--build auto|simd-threads|simd|plain] [--runs 30]
                       [--warmup 5] [--json]

  --model NAME|FILE   'hairmattenet' (default), 'hairmattenet-int8' or 'hairsegnet' (bundled), or a .hmm file
  --random-weights    build the named architecture with random weights (no trained file needed)
  --size S            frame and network input size, a multiple of 32 (default 224)
  --threads N         threads; a comma list (1,2) benchmarks each in turn (default 1)
  --refine MODE       the matte refinement segment() runs: guided (default, as the API) or none
  --build B           the wasm build: auto (default, as the API), simd-threads, simd or plain
                      (plain, no SIMD128, is ~16x slower: use a small --size)
  --runs R            timed runs per row, at least 30 (default 30)
  --warmup W          untimed runs first (default 5)
  --json              print the rows as JSON instead of a table`,
};

const ENGINE_OPTIONS = { model: 'string', 'random-weights': 'boolean', refine: 'string', quality: 'string', threads: 'int-list', help: 'boolean' };
const SPECS = {
  matte: { ...ENGINE_OPTIONS, out: 'string', progress: 'boolean', 'keep-going': 'boolean', 'fail-fast': 'boolean' },
  eval: EVAL_SPEC,
  recolor: { ...ENGINE_OPTIONS, out: 'string', color: 'string', mode: 'string', 'color-end': 'string', strength: 'string' },
  bench: {
    model: 'string', 'random-weights': 'boolean', size: 'int', threads: 'int-list', refine: 'string', runs: 'int',
    warmup: 'int', json: 'boolean', build: 'string', help: 'boolean',
  },
};

async function main(argv) {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP.main);
    return 0;
  }
  if (!SPECS[command]) throw new UsageError(`unknown command '${command}' (try: hairmatte --help)`);
  const args = parseArgs(rest, SPECS[command]);
  if (args.help) {
    console.log(HELP[command]);
    return 0;
  }
  if (command === 'bench') return runBench(args);
  if (command === 'matte') return runMatte(args);
  if (command === 'recolor') return runRecolor(args);
  if (command === 'eval') return runEval(args);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => {
    const message = String(error && error.message ? error.message : error).replace(/^hairmatte: /, '');
    process.stderr.write(`hairmatte: ${message.split('\n')[0]}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
