// Finding, reading and writing the CLI's image files.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './args.mjs';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png']);

function walk(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...walk(full));
    else if (entry.isFile() && IMAGE_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) found.push(full);
  }
  return found;
}

// inputs: files and folders -> [{ input, output }] with output = outDir/<path relative to the folder
// (or the file's name), extension replaced by .png>. Two inputs may not map to one output.
export function planOutputs(inputs, outDir) {
  if (inputs.length === 0) throw new UsageError('no input images given');
  const jobs = [];
  for (const input of inputs) {
    let stat;
    try {
      stat = fs.statSync(input);
    } catch {
      throw new Error(`${input}: no such file or folder`);
    }
    if (stat.isDirectory()) {
      const files = walk(input);
      if (files.length === 0) throw new Error(`${input}: no .jpg, .jpeg or .png images in this folder`);
      for (const file of files) jobs.push({ input: file, relative: path.relative(input, file) });
    } else {
      jobs.push({ input, relative: path.basename(input) });
    }
  }
  const seen = new Map();
  for (const job of jobs) {
    const rel = job.relative;
    job.output = path.join(outDir, rel.slice(0, rel.length - path.extname(rel).length) + '.png');
    if (seen.has(job.output)) throw new Error(`${seen.get(job.output)} and ${job.input} would both be written to ${job.output}`);
    seen.set(job.output, job.input);
  }
  return jobs;
}

export function readImageFile(hm, file) {
  let bytes;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new Error(`${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
  try {
    return hm.decodeImage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new Error(`${file}: ${e.message.replace(/^hairmatte: /, '')}`);
  }
}

export function writePng(hm, file, image) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, hm.encodePng(image));
}

// A progress bar on stderr for more than one image: shown when stderr is a terminal, or anywhere with
// `force` (the --progress flag: logs, tests); a pipe or file otherwise gets nothing, so scripts see only
// the summary line on stdout. Each step redraws the line with '\r'; end() closes it with a newline.
export function progress(total, { force = false } = {}) {
  const tty = (force || process.stderr.isTTY) && total > 1;
  return {
    step(done, label) {
      if (!tty) return;
      const width = 30, filled = Math.round((width * done) / total);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${label}`.slice(0, process.stderr.columns || 120).padEnd(Math.min(process.stderr.columns || 120, 100)));
    },
    end() {
      if (tty) process.stderr.write('\n');
    },
  };
}
