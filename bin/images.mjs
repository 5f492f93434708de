// Finding, reading and writing the CLI's image files.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './args.mjs';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png']);

// The images under `dir`, recursively, in name order. Symbolic links are followed (to files and to
// folders; a folder reached twice, e.g. through a link loop, is walked once). What cannot be read (a
// broken link, a folder without permission) is added to `unreadable` as { input, reason }, never
// skipped silently.
function walk(dir, unreadable, seen = new Set()) {
  const found = [];
  let real;
  let entries;
  try {
    real = fs.realpathSync(dir);
    if (seen.has(real)) return found;
    seen.add(real);
    entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch (e) {
    unreadable.push({ input: dir, reason: describeFsError(e) });
    return found;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    const isImageName = IMAGE_EXTENSIONS.has(path.extname(entry.name).toLowerCase());
    let kind = entry.isDirectory() ? 'dir' : entry.isFile() ? 'file' : null;
    if (entry.isSymbolicLink()) {
      try {
        const target = fs.statSync(full);
        kind = target.isDirectory() ? 'dir' : target.isFile() ? 'file' : null;
      } catch (e) {
        if (isImageName) unreadable.push({ input: full, reason: `symbolic link: ${describeFsError(e)}` });
        continue;
      }
    }
    if (kind === 'dir') found.push(...walk(full, unreadable, seen));
    else if (kind === 'file' && isImageName) found.push(full);
  }
  return found;
}

function describeFsError(e) {
  const reasons = { ENOENT: 'no such file or folder', EACCES: 'permission denied', ELOOP: 'too many symbolic links' };
  return reasons[e.code] || e.message;
}

// inputs: files and folders -> { jobs: [{ input, output }], unreadable: [{ input, reason }] } with output =
// outDir/<path relative to the folder (or the file's name), extension replaced by .png>. Two inputs may
// not map to one output. A named input that does not exist, or a folder with no images, is an Error
// (nothing would be done); what cannot be read inside a folder is listed in `unreadable`.
export function planOutputs(inputs, outDir) {
  if (inputs.length === 0) throw new UsageError('no input images given');
  const jobs = [];
  const unreadable = [];
  for (const input of inputs) {
    let stat;
    try {
      stat = fs.statSync(input);
    } catch (e) {
      throw new Error(`${input}: ${describeFsError(e)}`);
    }
    if (stat.isDirectory()) {
      const before = unreadable.length;
      const files = walk(input, unreadable);
      if (files.length === 0 && unreadable.length === before) {
        throw new Error(`${input}: no .jpg, .jpeg or .png images in this folder`);
      }
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
  return { jobs, unreadable };
}

// An --out folder that exists must be a folder; one that does not is made on the first write.
export function checkOutputFolder(outDir) {
  let stat;
  try {
    stat = fs.statSync(outDir);
  } catch {
    return;
  }
  if (!stat.isDirectory()) throw new UsageError(`--out ${outDir}: exists and is not a folder`);
}

export function readImageFile(hm, file) {
  let bytes;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new Error(`${file}: ${e.code === 'ENOENT' ? 'no such file' : describeFsError(e)}`);
  }
  try {
    return hm.decodeImage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new Error(`${file}: ${e.message.replace(/^hairmatte: /, '')}`);
  }
}

export function writePng(hm, file, image) {
  const png = hm.encodePng(image);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, png);
  } catch (e) {
    const why = e.code === 'EEXIST' || e.code === 'ENOTDIR' ? `a file stands where a folder is needed on the way to ${file}`
      : e.code === 'EISDIR' ? `${file} is a folder` : e.code === 'EACCES' ? `permission denied writing ${file}` : e.message;
    throw new Error(`cannot write ${file}: ${why}`);
  }
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
