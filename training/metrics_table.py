#!/usr/bin/python3
"""Render evaluate.py JSON reports as a Markdown table (for model cards):
  /usr/bin/python3 training/metrics_table.py runs/eval_hairmattenet.json [more.json ...]"""
import json
import sys


def main(paths):
    print("| model | group | images | F1 | Performance | IoU | Accuracy | grad. consistency (Eq. 1) |")
    print("|---|---|---|---|---|---|---|---|")
    for path in paths:
        with open(path) as f:
            report = json.load(f)
        for group, r in report["groups"].items():
            print(f"| {report['model']} | {group} | {r['count']} | {r['f1']:.4f} | {r['performance']:.4f} | "
                  f"{r['iou']:.4f} | {r['accuracy']:.4f} | {r['grad_consistency']:.4f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
