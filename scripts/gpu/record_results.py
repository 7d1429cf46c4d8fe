#!/usr/bin/env python3
"""Appends a GPU window's measurements to benchmarks/gpu-results.jsonl in the issue's format, one line per
`sqlrl bench` result: {"date", "device", "commit", "bench", "shape", "weights", "batch", "tokens_per_s",
"peak_gib", "step_s", "hf_tokens_per_s", "command"}. hf_tokens_per_s is the Hugging Face figure measured by
hf_baseline.py in the same window on the same card (generate for sample, update for train-step; none for
grpo-step), else the figure the bench itself carries from DESIGN.md.
Usage: record_results.py RUN_FOLDER DEVICE COMMIT [JSONL]   (RUN_FOLDER holds bench-*.json, hf-baseline.jsonl)"""
import json
import sys
from pathlib import Path


def last_json_line(path):
    return json.loads(path.read_text().strip().splitlines()[-1])


def command(r):
    b = r["benchmark"]
    common = f"--shape {r['shape']} --weights {r['weights']} --lora-rank {r['lora_rank']}"
    if b == "sample":
        samples = r.get("samples_per_prompt", 1)
        return (f"sqlrl bench sample {common} --batch {r['batch']} --prompt-len {r['prompt_len']} --new-tokens "
                f"{r['new_tokens']} --repeats 2" + (f" --samples-per-prompt {samples}" if samples > 1 else "")
                + (" --dense-sampling" if r.get("dense_sampling") else "")
                + (" --cuda-graphs" if r.get("cuda_graphs") else "")
                + (f" --decode-step {r['decode_step']}" if "decode_step" in r else "")
                + (" --tensor-core-gemm" if r.get("tensor_core_gemm") else "") + " --json")
    if b == "train-step":
        return (f"sqlrl bench train-step {common} --batch {r['batch']} --micro-batch {r['micro_batch']} --prompt-len "
                f"{r['prompt_len']} --completion-len {r['completion_len']} --steps 2 --json")
    return (f"sqlrl bench grpo-step {common} --prompts {r['prompts']} --samples-per-prompt {r['samples_per_prompt']} "
            f"--prompt-len {r['prompt_len']} --new-tokens {r['new_tokens']} --micro-batch {r['micro_batch']}"
            + "".join(f" --set {o}" for o in r.get("overrides", [])) + " --json")


def main():
    folder, device, commit = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    target = Path(sys.argv[4]) if len(sys.argv) > 4 else Path("benchmarks/gpu-results.jsonl")
    hf = {}
    hf_file = folder / "hf-baseline.jsonl"
    if hf_file.exists():
        for line in hf_file.read_text().splitlines():
            h = json.loads(line)
            if "tokens_per_s" in h:
                hf[(h["bench"], h["shape"])] = h["tokens_per_s"]
    lines = []
    for path in sorted(folder.glob("bench-*.json")):
        r = last_json_line(path)
        b = r["benchmark"]
        hf_key = {"sample": "hf-generate", "train-step": "hf-update"}.get(b)
        carried = r.get("hf_baseline", {}).get({"sample": "generate_tokens_per_s",
                                                 "train-step": "update_tokens_per_s"}.get(b, ""), None)
        tokens_per_s = r.get("tokens_per_s")
        if b == "grpo-step":
            tokens_per_s = r["completion_tokens"] / r["step_s"]
        lines.append({
            "date": r["date"][:10], "device": device, "commit": commit, "bench": b, "shape": r["shape"],
            "weights": r["weights"] + ("+dense-sampling" if r.get("dense_sampling") else "")
            + ("+cuda-graphs" if r.get("cuda_graphs") else "")
            + ("+fused-decode" if r.get("decode_step") == "fused" else "")
            + ("+tensor-core-gemm" if r.get("tensor_core_gemm") else ""),
            "batch": r.get("batch", r.get("completions")), "tokens_per_s": round(tokens_per_s, 1),
            "peak_gib": round(r["device_peak_bytes"] / 2**30, 2),
            "step_s": round(r["step_s"], 3) if "step_s" in r else round(r["total_s"], 3),
            "hf_tokens_per_s": round(hf[(hf_key, r["shape"])], 1) if (hf_key, r["shape"]) in hf else carried,
            "command": command(r)})
    with target.open("a") as out:
        for line in lines:
            out.write(json.dumps(line) + "\n")
    print(f"appended {len(lines)} lines to {target}")


if __name__ == "__main__":
    main()
