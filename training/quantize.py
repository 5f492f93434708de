#!/usr/bin/python3
"""Post-training int8 quantisation of a .hmm model (hairmatte_train/quantize.py describes the arithmetic),
with activation ranges calibrated on TRAINING images of the split, and an optional study on the
validation split: fp16 model vs the simulated int8 network, per source, and per-layer sensitivity.

  /usr/bin/python3 training/quantize.py --model models/hairmattenet.hmm --data ../shared/data/hair \
      --out models/hairmattenet-int8.hmm [--calib 64] [--rule percentile:99.99+bc] \
      [--study 30] [--sensitivity 6] [--json runs/q/study.json] \
      [--size-budget 2200000 | --codebook-layers enc.pw13,...] [--codebook-method obq|kmeans|uniform] \
      [--codebook-order L1,L2,...] [--compare-codebooks uniform,kmeans] [--obq-damp 0.01] [--calib-cache FILE]

Weight codebooks (hairmatte_train/weight_codebook.py), for the size budget: --size-budget BYTES restricts
the int8 weights of the largest 1x1 layers (or those of --codebook-order, in that order) to at most 16
distinct int8 values per layer until the predicted size of the file with those layers packed (a 16-entry
codebook + 4-bit indices: 24 + ceil(n / 2) bytes instead of n) is <= BYTES; --codebook-layers names them
instead. Both sizes (packed: version 3; all plain: version 2) are printed. Methods: obq (default: the k-means
codebook, weights rounded column by column with the error spread by the inverse of the input's
E[x x^T] on the calibration images), kmeans (nearest level), uniform (4-bit per channel, levels -7..7:
the baseline). Per-channel fp32 scales and the engine's arithmetic are those of plain int8; bias
correction (+bc) runs on the final weights. Whether the file stores those layers packed (version 3) is
the model writer's choice (hairmatte_train/int8_file.py); the plain version-2 file computes the same.
--calib-cache FILE keeps the calibration statistics (ranges, means, E[x x^T]) for reruns with the same
model, images and layers.

--out FILE.hmm writes the quantised model file (version 2, docs/model-format.md) that the engine runs
in int8 (`HairMatte.create({ model: FILE })`); --out FILE.npz writes the quantised parameters as named
arrays instead (int8 weights, int32 biases, scales, zero points, requantisation scales, clamps, add
parameters), for studies.
--study N evaluates at most N validation images per source with evaluate.py's protocol (each photo
stretched to the input size, the probability resized back bilinearly, metrics at full resolution);
the int8 network gets the stretched photo rounded to bytes, as the engine's resize produces.
"""
import argparse
import json
import os
import random
import sys
import time
import zlib

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hairmatte_train import quantize as Q  # noqa: E402
from hairmatte_train import weight_codebook as WC  # noqa: E402
from hairmatte_train.data import list_samples, load_pair, read_split, select  # noqa: E402
from hairmatte_train.checkpoint import load_checkpoint  # noqa: E402
from hairmatte_train.losses import gradient_consistency  # noqa: E402
from hairmatte_train.metrics import image_metrics, mean_metrics  # noqa: E402
from hairmatte_train.int8_file import write_int8_model  # noqa: E402
from hairmatte_train.model_file import read_model  # noqa: E402
from hairmatte_train.trainer import DEFAULT_SPLIT  # noqa: E402


def per_source(samples, limit, draw=0):
    """At most `limit` samples per source (0 = all): draw 0 spreads them evenly over each source's sorted
    list; draw N > 0 takes a random subset seeded by N (another calibration set of the same size, to see how
    much the result depends on which images calibrate)."""
    by = {}
    for s in samples:
        by.setdefault(s.source, []).append(s)
    out = []
    for src in sorted(by):
        rows = by[src]
        if limit and len(rows) > limit:
            if draw:
                picked = random.Random(f"{draw}:{src}").sample(range(len(rows)), limit)
                rows = [rows[i] for i in sorted(picked)]
            else:
                rows = [rows[int(i * len(rows) / limit)] for i in range(limit)]
        out += rows
    return out


def stretched(img: np.ndarray, size: int) -> torch.Tensor:
    """[1, 3, size, size] float pixel values, bilinear (evaluate.py's resize)."""
    x = torch.from_numpy(np.array(img, np.float32)).permute(2, 0, 1)[None]
    return F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False), x


def calibrate(header, tensors, samples, size, log, gram_names=()):
    """Activation ranges and channel means (RangeObserver) and, for `gram_names` (tensor names), E[x x^T]
    over pixels (weight_codebook.GramObserver), from one float pass over the calibration images."""
    graph = Q.build_graph(header["arch"], header["width_milli"], header["depth"])
    obs = Q.RangeObserver()
    grams = WC.GramObserver(gram_names)
    with torch.no_grad():
        for n, s in enumerate(samples):
            small, _ = stretched(load_pair(s)[0], size)
            Q.float_forward(graph, tensors, small / 127.5 - 1.0, lambda name, y: (obs(name, y), grams(name, y)))
            if (n + 1) % 20 == 0:
                log(f"calibration {n + 1}/{len(samples)}")
    return obs, grams


def calibrate_cached(header, tensors, samples, size, log, gram_names, cache, model_crc):
    """calibrate(), or its result from `cache` (a torch.save file, written on the first call) when that
    was made from the same model file (CRC-32 of its bytes), images and tensors."""
    key = {"model_crc": model_crc, "samples": [s.image_path for s in samples], "grams": sorted(gram_names)}
    if cache and os.path.exists(cache):
        saved = load_checkpoint(cache)  # a file this command wrote (unpickling runs code: never a foreign one)
        if saved["key"] == key:
            log(f"calibration from {cache}")
            return saved["obs"], saved["grams"]
    obs, grams = calibrate(header, tensors, samples, size, log, gram_names)
    if cache:
        os.makedirs(os.path.dirname(os.path.abspath(cache)), exist_ok=True)
        obs.gen = None  # not picklable, and no longer needed: the samples are taken
        torch.save({"key": key, "obs": obs, "grams": grams}, cache + ".part")
        os.replace(cache + ".part", cache)
    return obs, grams


def codebook_weights(header, tensors, grams, layers, method, damp, act_order, log):
    """node name -> (int8 weights, fp32 scales) restricted to 16 levels per layer (weight_codebook.py)."""
    graph = {n.name: n for n in Q.build_graph(header["arch"], header["width_milli"], header["depth"])}
    out = {}
    for name in layers:
        t = time.time()
        gram = grams.gram(graph[name].inputs[0]) if method != "uniform" else None
        w = tensors[name + ".weight"]
        out[name] = WC.codebook_weights(w, method, gram, damp, act_order)
        msg = f"codebook {method} {name}: {len(np.unique(out[name][0]))} levels"
        if gram is not None:
            plain = Q.quantize_weights(w, Q.weight_scales(w))
            e8 = WC.layer_output_error(w, plain, Q.weight_scales(w), gram)
            e4 = WC.layer_output_error(w, out[name][0], out[name][1], gram)
            msg += f", output error / int8's {e4 / max(e8, 1e-30):.1f}"
        log(msg + f" ({time.time() - t:.1f} s)")
    return out


def full_res(prob: torch.Tensor, shape) -> torch.Tensor:
    return F.interpolate(prob, size=shape, mode="bilinear", align_corners=False)


def study(header, tensors, models, samples, size, log):
    """Metrics per source for the float model and each quantised model (name -> QuantizedModel), plus
    their agreement with the float model at the network's resolution."""
    graph = Q.build_graph(header["arch"], header["width_milli"], header["depth"])
    rows = {"fp16": {}}
    for name in models:
        rows[name] = {}
    with torch.no_grad():
        for n, s in enumerate(samples):
            img, mask = load_pair(s)
            small, x = stretched(img, size)
            pf = Q.hair_probability_from_logits(Q.float_forward(graph, tensors, small / 127.5 - 1.0))
            preds = {"fp16": pf}
            for name, qm in models.items():
                preds[name] = Q.hair_probability_from_logits(Q.int8_forward(qm, Q.input_to_q(small)))
            for name, p in preds.items():
                prob = full_res(p, img.shape[:2])
                m = image_metrics(prob[0, 0].numpy(), mask)
                m["grad_consistency"] = float(gradient_consistency(prob, x)[0])
                if name != "fp16":
                    m["agree_iou"] = _iou(p >= 0.5, pf >= 0.5)
                    m["prob_mad"] = float((p - pf).abs().mean())
                rows[name].setdefault(s.source, []).append(m)
            if (n + 1) % 10 == 0:
                log(f"study {n + 1}/{len(samples)}")
    return {name: {src: mean_metrics(r) for src, r in sorted(groups.items())} for name, groups in rows.items()}


def _iou(a: torch.Tensor, b: torch.Tensor) -> float:
    union = float((a | b).sum())
    return 1.0 if union == 0 else float((a & b).sum()) / union


def sensitivity(header, tensors, qm, samples, size, log):
    """Each node alone fake-quantised (int8 weights and bias, its input and output on their int8 grids),
    everything else float: disagreement with the float model at the network's resolution."""
    graph = qm.graph
    inputs = []
    with torch.no_grad():
        for s in samples:
            small, _ = stretched(load_pair(s)[0], size)
            x = small / 127.5 - 1.0
            inputs.append((x, Q.hair_probability_from_logits(Q.float_forward(graph, tensors, x))))
        out = {}
        for node in graph:
            ious, mads = [], []
            for x, pf in inputs:
                p = Q.hair_probability_from_logits(Q.float_forward(graph, tensors, x, fake=qm, fake_nodes={node.name}))
                ious.append(_iou(p >= 0.5, pf >= 0.5))
                mads.append(float((p - pf).abs().mean()))
            out[node.name] = {"disagree": 1.0 - float(np.mean(ious)), "prob_mad": float(np.mean(mads))}
            log(f"sensitivity {node.name}: 1 - IoU(int8, float) {out[node.name]['disagree']:.5f}, "
                f"mean |dp| {out[node.name]['prob_mad']:.5f}")
    return out


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="the float .hmm file (fp16 or fp32)")
    p.add_argument("--data", required=True, help="data folder (manifest.csv layout or images/ + masks/)")
    p.add_argument("--out", required=True, help="the quantised model, .hmm (or its parameters as .npz)")
    p.add_argument("--split", default=None, help="split file (default: the committed split for the shared set)")
    p.add_argument("--calib", type=int, default=64, help="calibration images per source, from the TRAIN part")
    p.add_argument("--calib-draw", type=int, default=0, help="0: the calibration images spread evenly over each "
                   "source; N > 0: a random draw seeded by N (to measure how much the choice matters)")
    p.add_argument("--rule", default="percentile:99.99+bc", help="minmax or percentile:P (e.g. percentile:99.99); a "
                   "'+bc' suffix adds bias correction (e.g. minmax+bc)")
    p.add_argument("--study", type=int, default=-1,
                   help="also evaluate fp16 vs int8 on N validation images per source (0 = all)")
    p.add_argument("--compare-rules", default="", help="comma-separated extra rules to evaluate in the study")
    p.add_argument("--sensitivity", type=int, default=0, help="per-layer study on N validation images per source")
    p.add_argument("--size-budget", type=int, default=0,
                   help="store the largest 1x1 layers (or --codebook-order) as 16-level codebooks until the "
                   "predicted file size is <= this many bytes")
    p.add_argument("--codebook-layers", default="", help="comma-separated 1x1 layers to restrict to 16 levels "
                   "(instead of choosing by --size-budget)")
    p.add_argument("--codebook-order", default="", help="comma-separated 1x1 layers in the order --size-budget "
                   "takes them (default: most parameters first)")
    p.add_argument("--codebook-method", default="obq", choices=WC.METHODS, help="how the 16 levels are chosen "
                   "and the weights rounded (hairmatte_train/weight_codebook.py)")
    p.add_argument("--compare-codebooks", default="", help="comma-separated extra codebook methods for the study")
    p.add_argument("--obq-damp", type=float, default=0.01, help="obq: H's diagonal + this * its mean")
    p.add_argument("--obq-order", default="act", choices=("act", "natural"), help="obq: input columns in "
                   "decreasing E[x^2] (act, default) or in channel order")
    p.add_argument("--calib-cache", default=None, help="save the calibration statistics here, reuse them when "
                   "model, images and layers match")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--json", default=None, help="write the study's results to this JSON file")
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.set_flush_denormal(True)
    if not (a.out.endswith(".hmm") or a.out.endswith(".npz")):
        p.error(f"--out must end in .hmm (the int8 model file) or .npz (its parameters as arrays), got {a.out}")
    if not os.path.exists(a.model):
        p.error(f"model {a.model} not found")
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    header, tensors = read_model(a.model)
    size = header["input_size"]
    samples = list_samples(a.data)
    try:
        split = read_split(a.data, a.split, DEFAULT_SPLIT)
    except ValueError as e:
        p.error(str(e))
    t0 = time.time()
    graph = Q.build_graph(header["arch"], header["width_milli"], header["depth"])
    pointwise = [n.name for n in WC.pointwise_nodes(graph)]
    methods = [a.codebook_method] + [m for m in a.compare_codebooks.split(",") if m and m != a.codebook_method]
    if any(m not in WC.METHODS for m in methods):
        p.error(f"--compare-codebooks: methods are {', '.join(WC.METHODS)}")
    if a.codebook_layers and a.size_budget:
        p.error("give --codebook-layers or --size-budget, not both")
    layers = [x for x in a.codebook_layers.split(",") if x]
    if any(x not in pointwise for x in layers):
        p.error(f"--codebook-layers: not 1x1 layers of this network: {[x for x in layers if x not in pointwise]}")
    meta = dict(header.get("metadata") or {})
    quant_meta = {"source": os.path.basename(a.model), "rule": a.rule,
                  "calibration_images_per_source": a.calib, "calibration_split": "train",
                  **({"calibration_draw": a.calib_draw} if a.calib_draw else {}),
                  "weights": "int8 per output channel, symmetric",
                  "activations": "int8 per tensor, asymmetric"}
    arch = (header["arch"], header["width_milli"], header["depth"])
    if a.size_budget:
        order = [x for x in a.codebook_order.split(",") if x] or None
        # metadata naming every 1x1 layer: an upper bound of the final metadata's length
        bound = dict(meta, quantization=dict(quant_meta, codebook={"method": a.codebook_method, "levels": 16,
                                                                   "layers": pointwise}))
        try:
            layers = WC.choose_layers(*arch, bound, a.size_budget, order)
        except ValueError as e:
            p.error(str(e))
    if layers:
        quant_meta["codebook"] = {"method": a.codebook_method, "levels": 16, "layers": layers}
        if a.codebook_method == "obq":
            quant_meta["codebook"]["obq_damp"] = a.obq_damp
            quant_meta["codebook"]["obq_order"] = a.obq_order
    meta["quantization"] = quant_meta
    plain_size = WC.plain_file_size(*arch, meta)
    packed_size = WC.predicted_size(*arch, meta, layers)
    log(f"codebook layers ({len(layers)}): {','.join(layers) or '-'}")
    log(f"predicted size: {packed_size} bytes with those layers packed as 16-entry codebooks + 4-bit indices "
        f"(version 3), {plain_size} bytes with every weight plain int8 (version 2)")
    with open(a.model, "rb") as f:
        model_crc = zlib.crc32(f.read())
    gram_names = sorted({n.inputs[0] for n in graph if n.name in pointwise}) if layers else []
    calib = per_source(select(samples, split, "train"), a.calib, a.calib_draw)
    obs, grams = calibrate_cached(header, tensors, calib, size, log, gram_names, a.calib_cache, model_crc)
    rules = [a.rule] + [r for r in a.compare_rules.split(",") if r and r != a.rule]
    means = obs.channel_means()
    act_order = a.obq_order == "act"
    cb = {m: codebook_weights(header, tensors, grams, layers, m, a.obq_damp, act_order, log) if layers else None
          for m in methods}
    models = {}
    for r in rules:
        ranges = obs.ranges(r.replace("+bc", ""))
        bc = means if r.endswith("+bc") else None
        if layers:
            for m in methods:
                models[f"int8 {r} {m}"] = Q.quantize_model(header, tensors, ranges, bc, cb[m])
        if not layers or a.study >= 0:
            models[f"int8 {r}"] = Q.quantize_model(header, tensors, ranges, bc)
    qm = models[f"int8 {a.rule} {a.codebook_method}" if layers else f"int8 {a.rule}"]
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    if a.out.endswith(".hmm"):
        write_int8_model(a.out, qm, size, meta)
    else:
        np.savez(a.out, **Q.export_arrays(qm))
    log(f"wrote {a.out} ({os.path.getsize(a.out)} bytes) after {time.time() - t0:.0f} s")
    report = {"model": os.path.basename(a.model), "rule": a.rule, "calib_per_source": a.calib,
              "codebook_layers": layers, "codebook_method": a.codebook_method, "predicted_packed_size": packed_size,
              "ranges": {r: obs.ranges(r.replace("+bc", "")) for r in rules}}
    val = select(samples, split, "val")
    if a.study >= 0:
        report["study_per_source"] = a.study
        report["study"] = study(header, tensors, models, per_source(val, a.study), size, log)
        print(f"{'model':<36} {'source':<12} {'n':>4} {'IoU':>7} {'GradCons':>9} {'agreeIoU':>9}")
        for name, groups in report["study"].items():
            for src, r in groups.items():
                d = r.get("agree_iou", float("nan"))
                print(f"{name:<36} {src:<12} {r['count']:>4} {r['iou']:7.4f} {r['grad_consistency']:9.4f} {d:9.4f}")
    if a.sensitivity:
        report["sensitivity_per_source"] = a.sensitivity
        report["sensitivity"] = sensitivity(header, tensors, qm, per_source(val, a.sensitivity), size, log)
    report["seconds"] = round(time.time() - t0, 1)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(report, f, indent=1, sort_keys=True)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
