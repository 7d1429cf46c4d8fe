#!/usr/bin/env python3
"""Reference fixtures for the model families sqlrl loads beyond Qwen2 / Llama 2, computed by transformers + peft
in fp32, in the layout of ../shared/reference/tiny-llama (what dev.sqlrl.model.ReferenceModelTest reads):

  NAME/config.json, generation_config.json, model.safetensors      a tiny random model (norm weights random too)
  NAME/adapter/adapter_config.json, adapter_model.safetensors      a PEFT LoRA adapter, A and B random
  NAME/adapter_grads.safetensors                                   d loss / d every LoRA tensor (native names)
  NAME/reference.json   prompts, logits, logits_with_adapter, greedy (10 tokens, no adapter), sequences,
                        prompt_lens, completion_logprobs_with_adapter / _without_adapter, loss_definition

Families: tiny-llama3 (rope_scaling llama3, original context 64 so that all three frequency regions occur, tied
embeddings), tiny-codellama (rope_theta 1e6), tiny-qwen3 (q_norm / k_norm, head_dim 24 != hidden / heads),
tiny-mistral (sliding_window 8, shorter than the longest prompt + greedy tokens), tiny-phi3 (fused qkv_proj /
gate_up_proj, LoRA on the fused modules, sliding_window 10). With bitsandbytes installed (and a GPU, where its
4-bit kernels run), also tiny-llama3-bnb-4bit: tiny-llama3 quantized by transformers' BitsAndBytesConfig (NF4,
double quantization) and saved as transformers saves it, with the logits of that quantized model.

No GPU compute is needed for the families themselves. Usage:
    python3 scripts/reference/make_family_fixtures.py OUT_DIR [--only tiny-qwen3 ...]
then copy OUT_DIR/* next to the existing fixtures (../shared/reference) or into the test data the lead chooses;
the Java tests that read them are pending (skipped, with this script named) until they are there.
Needs: torch, transformers (>= 4.51, for Qwen3), peft, safetensors.
"""
import argparse
import inspect
import json
from pathlib import Path

import torch
from peft import LoraConfig, get_peft_model
from safetensors.torch import save_file
from transformers import AutoModelForCausalLM, LlamaConfig, MistralConfig, Phi3Config, Qwen3Config

SEED = 1234
COMMON = dict(vocab_size=512, hidden_size=64, intermediate_size=176, num_hidden_layers=2, num_attention_heads=4,
              num_key_value_heads=2, max_position_embeddings=512, rms_norm_eps=1e-6, initializer_range=0.2,
              bos_token_id=1, eos_token_id=2, pad_token_id=None)
SPLIT_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
PHI3_TARGETS = ["qkv_proj", "o_proj", "gate_up_proj", "down_proj"]  # PEFT's names for Phi-3's fused modules
PROMPT_LENGTHS = [8, 4, 12]
COMPLETION_LENGTH = 6
GREEDY_TOKENS = 10
LOSS = ("loss = sum over the three sequences of the log-probs of the completion tokens (positions prompt_len..end); "
        "grads are d loss / d param")


def rope(config_class, theta, scaling=None):
    """RoPE settings in the config layout of the installed transformers (rope_parameters from v5 on)."""
    if "rope_parameters" in inspect.signature(config_class.__init__).parameters:
        params = {"rope_type": "default", **(scaling or {}), "rope_theta": theta}
        return {"rope_parameters": params}
    return {"rope_theta": theta, **({"rope_scaling": scaling} if scaling else {})}


def families():
    llama3_scaling = {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                      "original_max_position_embeddings": 64}
    return {
        "tiny-llama3": (LlamaConfig, dict(tie_word_embeddings=True, **rope(LlamaConfig, 500000.0, llama3_scaling)),
                        SPLIT_TARGETS),
        "tiny-codellama": (LlamaConfig, dict(tie_word_embeddings=False, **rope(LlamaConfig, 1000000.0)), SPLIT_TARGETS),
        "tiny-qwen3": (Qwen3Config, dict(head_dim=24, tie_word_embeddings=True, use_sliding_window=False,
                                         **rope(Qwen3Config, 1000000.0)), SPLIT_TARGETS),
        "tiny-mistral": (MistralConfig, dict(sliding_window=8, tie_word_embeddings=False, **rope(MistralConfig, 1000000.0)),
                         SPLIT_TARGETS),
        "tiny-phi3": (Phi3Config, dict(sliding_window=10, tie_word_embeddings=False, original_max_position_embeddings=512,
                                       **rope(Phi3Config, 10000.0)), PHI3_TARGETS),
    }


def random_model(config_class, extra):
    config = config_class(**{**COMMON, **extra})
    config._attn_implementation = "eager"  # the masks exactly as written (sliding window included)
    torch.manual_seed(SEED)
    model = AutoModelForCausalLM.from_config(config, torch_dtype=torch.float32).eval()
    with torch.no_grad():  # random norm weights, so that a misplaced norm shows in the logits
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.copy_(1 + 0.3 * torch.randn_like(p))
    return model


def prompts_and_sequences(vocab):
    g = torch.Generator().manual_seed(SEED + 1)
    prompts = [torch.randint(3, vocab, (n,), generator=g).tolist() for n in PROMPT_LENGTHS]
    sequences = [p + torch.randint(3, vocab, (COMPLETION_LENGTH,), generator=g).tolist() for p in prompts]
    return prompts, sequences


def logits_of(model, tokens):
    with torch.no_grad():
        return model(torch.tensor([tokens])).logits[0].float()


def greedy(model, prompt, n):
    """Greedy decoding by full recomputation (no cache, no stop token): n tokens."""
    seq = list(prompt)
    for _ in range(n):
        seq.append(int(logits_of(model, seq)[-1].argmax()))
    return seq[len(prompt):]


def completion_logprobs(model, sequence, prompt_len):
    logits = model(torch.tensor([sequence])).logits[0].float()
    logprobs = torch.log_softmax(logits[:-1], dim=-1)
    targets = torch.tensor(sequence[1:])
    picked = logprobs.gather(1, targets.unsqueeze(1)).squeeze(1)
    return picked[prompt_len - 1:]


def native_lora_name(peft_name):
    """base_model.model.model.layers.0.self_attn.qkv_proj.lora_A.default.weight -> model.layers.0....lora_A.weight"""
    name = peft_name.removeprefix("base_model.model.")
    return name.replace(".lora_A.default.weight", ".lora_A.weight").replace(".lora_B.default.weight", ".lora_B.weight")


def make(name, config_class, extra, targets, out):
    out.mkdir(parents=True, exist_ok=True)
    model = random_model(config_class, extra)
    model.save_pretrained(out, safe_serialization=True)
    prompts, sequences = prompts_and_sequences(model.config.vocab_size)
    ref = {"prompts": prompts, "loss_definition": LOSS, "sequences": sequences, "prompt_lens": PROMPT_LENGTHS}
    ref["logits"] = [logits_of(model, p).tolist() for p in prompts]
    ref["greedy"] = [greedy(model, p, GREEDY_TOKENS) for p in prompts]

    peft_model = get_peft_model(model, LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0, target_modules=targets))
    torch.manual_seed(SEED + 2)
    with torch.no_grad():
        for pname, p in peft_model.named_parameters():
            if "lora_" in pname:
                p.copy_(0.1 * torch.randn_like(p))
    peft_model.save_pretrained(out / "adapter", safe_serialization=True)
    ref["logits_with_adapter"] = [logits_of(peft_model, p).tolist() for p in prompts]
    with torch.no_grad(), peft_model.disable_adapter():
        ref["completion_logprobs_without_adapter"] = [
            completion_logprobs(peft_model, s, n).tolist() for s, n in zip(sequences, PROMPT_LENGTHS)]
    peft_model.zero_grad()
    with_adapter = [completion_logprobs(peft_model, s, n) for s, n in zip(sequences, PROMPT_LENGTHS)]
    torch.stack([lp.sum() for lp in with_adapter]).sum().backward()
    ref["completion_logprobs_with_adapter"] = [lp.detach().tolist() for lp in with_adapter]
    grads = {native_lora_name(n): p.grad.detach().contiguous() for n, p in peft_model.named_parameters() if "lora_" in n}
    save_file(grads, str(out / "adapter_grads.safetensors"))
    (out / "reference.json").write_text(json.dumps(ref))
    print(f"{name}: {out}")


def make_bnb(source, out):
    """tiny-llama3 quantized as transformers quantizes and saves *-bnb-4bit models; its logits only."""
    try:
        from transformers import BitsAndBytesConfig
        import bitsandbytes  # noqa: F401
    except ImportError:
        print("bitsandbytes not installed: tiny-llama3-bnb-4bit skipped")
        return
    quantization = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
                                      bnb_4bit_compute_dtype=torch.float32)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = AutoModelForCausalLM.from_pretrained(source, quantization_config=quantization, torch_dtype=torch.float32,
                                                 device_map=device).eval()
    model.save_pretrained(out, safe_serialization=True)
    ref = json.loads((source / "reference.json").read_text())
    with torch.no_grad():
        logits = [model(torch.tensor([p], device=device)).logits[0].float().cpu().tolist() for p in ref["prompts"]]
    (out / "reference.json").write_text(json.dumps({"prompts": ref["prompts"], "logits": logits}))
    print(f"tiny-llama3-bnb-4bit: {out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--only", nargs="*", help="fixture names to make (default: all)")
    args = parser.parse_args()
    for name, (config_class, extra, targets) in families().items():
        if not args.only or name in args.only:
            make(name, config_class, extra, targets, args.out / name)
    if not args.only or "tiny-llama3-bnb-4bit" in args.only:
        if not (args.out / "tiny-llama3").is_dir():
            make("tiny-llama3", *families()["tiny-llama3"], args.out / "tiny-llama3")
        make_bnb(args.out / "tiny-llama3", args.out / "tiny-llama3-bnb-4bit")


if __name__ == "__main__":
    main()
