#!/usr/bin/env python3
"""Interoperability with the Hugging Face stack, on the GPU machine (the one with transformers and peft):
for each fixture model (../shared/reference layout) and the adapter that sqlrl wrote for it
(WriteSqlrlAdapter.java: the fixture's adapter moved by seeded noise, saved by PeftAdapter.save),
  1. peft loads sqlrl's adapter onto the transformers model, and
  2. transformers loads the folder that `sqlrl merge` wrote,
and each gives the log-probs of the fixture's completions (log_softmax of the logits at the completion
positions) equal to sqlrl's on CUDA in fp32 within 1e-4 (max abs). transformers runs in fp32 on the CPU: it
is the oracle, and the CPU keeps TF32 out of it.
Usage: check_interop.py JAVA SQLRL_JAR REFERENCE_DIR ADAPTERS_DIR OUT_DIR [DEVICE]
Exit 0 if every check passed; the errors are printed and saved either way."""
import json
import sys
from pathlib import Path

import torch
from peft import PeftModel
from transformers import AutoModelForCausalLM

# Beside this file: the same CLI runner and comparison as the fixture check.
from check_reference import max_abs, sqlrl

BOUND = 1e-4


def hf_logprobs(model, sequences, prompt_lens):
    out = []
    with torch.no_grad():
        for seq, n in zip(sequences, prompt_lens, strict=True):
            logits = model(torch.tensor([seq])).logits[0].double()
            logprobs = torch.log_softmax(logits, dim=-1)
            out.append([logprobs[t - 1, seq[t]].item() for t in range(n, len(seq))])
    return out


def main():
    java, jar, reference_root, adapters_root, out_dir = sys.argv[1:6]
    device = sys.argv[6] if len(sys.argv) > 6 else "cuda"
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    results, ok = [], True
    for model_dir in sorted(p for p in Path(reference_root).iterdir() if (p / "reference.json").is_file()):
        adapter = Path(adapters_root) / model_dir.name
        if not adapter.is_dir():
            results.append({"model": model_dir.name, "check": "sqlrl-written adapter present", "error": f"no {adapter}",
                            "passed": False})
            ok = False
            continue
        ref = json.loads((model_dir / "reference.json").read_text())
        seqs = out / f"{model_dir.name}-seqs.json"
        seqs.write_text(json.dumps({"sequences": ref["sequences"], "prompt_lens": ref["prompt_lens"]}))
        try:
            target = out / f"{model_dir.name}-sqlrl-{device}.json"
            sqlrl(java, jar, "logprobs", "--model", str(model_dir), "--adapter", str(adapter), "--device", device,
                  "--weights", "fp32", "--input", str(seqs), "--out", str(target))
            ours = json.loads(target.read_text())["logprobs"]
        except Exception as e:
            results.append({"model": model_dir.name, "check": "sqlrl logprobs", "error": str(e), "passed": False})
            ok = False
            continue

        def compare(check, load):
            nonlocal ok
            try:
                error = max_abs(hf_logprobs(load(), ref["sequences"], ref["prompt_lens"]), ours)
                passed = error <= BOUND
            except Exception as e:  # a failed load is a failed check, with its reason
                error, passed = f"{type(e).__name__}: {e}", False
            ok &= passed
            results.append({"model": model_dir.name, "check": check, "error": error, "bound": BOUND, "passed": passed})

        def peft_model():
            base = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()
            return PeftModel.from_pretrained(base, adapter).eval()

        compare(f"peft loads sqlrl's adapter vs sqlrl {device} fp32 (max abs log-prob)", peft_model)

        merged = out / f"{model_dir.name}-merged"
        try:
            sqlrl(java, jar, "merge", "--model", str(model_dir), "--adapter", str(adapter), "--out", str(merged))
            load_merged = lambda: AutoModelForCausalLM.from_pretrained(merged, dtype=torch.float32).eval()
        except Exception as e:
            def load_merged(reason=e):
                raise reason
        compare(f"transformers loads `sqlrl merge` output vs sqlrl {device} fp32 (max abs log-prob)", load_merged)
    (out / "interop-check.json").write_text(json.dumps(results, indent=1))
    for r in results:
        print(f"{'PASS' if r['passed'] else 'FAIL'} {r['model']} {r['check']}: {r['error']}"
              + (f" (bound {r['bound']})" if "bound" in r else ""))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
