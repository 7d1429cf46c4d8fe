#!/usr/bin/env python3
"""The Hugging Face baseline for `sqlrl bench`, on the same GPU in the same window: transformers + peft at
the issue's settings (B = 64, 384-token prompts, 256 new tokens, LoRA r = 16 on every projection) on
random weights of the Qwen2.5 shapes. The GPU machine has no bitsandbytes, so the base is bf16, not NF4:
HF's NF4 path would be slower still (it dequantizes every layer per step), so this baseline flatters HF.
  generate: model.generate, sampling, exactly 256 new tokens per row; tokens/s over one timed run after a
            short warm-up.
  update:   64 sequences of 640 tokens in micro-batches of 8, gradient checkpointing, cross-entropy over
            the completions, AdamW on the LoRA weights; seconds per step, tokens/s, peak GiB.
One JSON object per measurement on stdout.
Usage: hf_baseline.py [SHAPE ...]   (default: qwen2.5-7b qwen2.5-0.5b qwen2.5-1.5b)"""
import json
import sys
import time

import torch
from peft import LoraConfig, get_peft_model
from transformers import Qwen2Config, Qwen2ForCausalLM

SHAPES = {
    "qwen2.5-0.5b": dict(hidden_size=896, intermediate_size=4864, num_hidden_layers=24, num_attention_heads=14,
                         num_key_value_heads=2, vocab_size=151936, tie_word_embeddings=True),
    "qwen2.5-1.5b": dict(hidden_size=1536, intermediate_size=8960, num_hidden_layers=28, num_attention_heads=12,
                         num_key_value_heads=2, vocab_size=151936, tie_word_embeddings=True),
    "qwen2.5-7b": dict(hidden_size=3584, intermediate_size=18944, num_hidden_layers=28, num_attention_heads=28,
                       num_key_value_heads=4, vocab_size=152064, tie_word_embeddings=False),
}
BATCH, PROMPT, NEW, MICRO = 64, 384, 256, 8
TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def emit(**record):
    print(json.dumps(record), flush=True)


def build(shape):
    config = Qwen2Config(**SHAPES[shape], max_position_embeddings=4096)
    torch.set_default_dtype(torch.bfloat16)
    with torch.device("cuda"):
        model = Qwen2ForCausalLM(config)
    torch.set_default_dtype(torch.float32)
    lora = LoraConfig(r=16, lora_alpha=32, lora_dropout=0.0, target_modules=TARGETS, task_type="CAUSAL_LM")
    return get_peft_model(model, lora)


def generate(model, vocab):
    model.eval()
    prompts = torch.randint(0, vocab, (BATCH, PROMPT), device="cuda")
    mask = torch.ones_like(prompts)
    settings = dict(attention_mask=mask, do_sample=True, temperature=1.0, top_k=0, top_p=1.0, pad_token_id=0)
    with torch.no_grad():
        model.generate(prompts, max_new_tokens=8, min_new_tokens=8, **settings)
        torch.cuda.synchronize()
        start = time.perf_counter()
        out = model.generate(prompts, max_new_tokens=NEW, min_new_tokens=NEW, **settings)
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    tokens = (out.shape[1] - PROMPT) * BATCH
    return tokens / seconds, seconds


def update(model, vocab):
    model.train()
    model.gradient_checkpointing_enable()
    model.enable_input_require_grads()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-5)
    seqs = torch.randint(0, vocab, (BATCH, PROMPT + NEW), device="cuda")
    labels = seqs.clone()
    labels[:, :PROMPT] = -100
    times = []
    torch.cuda.reset_peak_memory_stats()
    for _ in range(3):  # the first is the warm-up
        torch.cuda.synchronize()
        start = time.perf_counter()
        for i in range(0, BATCH, MICRO):
            loss = model(input_ids=seqs[i:i + MICRO], labels=labels[i:i + MICRO]).loss * (MICRO / BATCH)
            loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    step = sorted(times[1:])[len(times[1:]) // 2]
    return BATCH * (PROMPT + NEW) / step, step, torch.cuda.max_memory_allocated() / 2**30


def main():
    shapes = sys.argv[1:] or ["qwen2.5-7b", "qwen2.5-0.5b", "qwen2.5-1.5b"]
    device = torch.cuda.get_device_name(0)
    for shape in shapes:
        try:
            model = build(shape)
            vocab = SHAPES[shape]["vocab_size"]
            tps, seconds = generate(model, vocab)
            emit(bench="hf-generate", shape=shape, device=device, weights="bf16", batch=BATCH, prompt_len=PROMPT,
                 new_tokens=NEW, tokens_per_s=tps, seconds=seconds, transformers=__import__("transformers").__version__)
            tps, step, peak = update(model, vocab)
            emit(bench="hf-update", shape=shape, device=device, weights="bf16", batch=BATCH, micro_batch=MICRO,
                 seq_len=PROMPT + NEW, tokens_per_s=tps, step_s=step, peak_gib=peak)
        except Exception as e:  # one shape's failure must not cost the others' numbers
            emit(bench="hf", shape=shape, error=f"{type(e).__name__}: {e}"[:500])
        finally:
            model = None
            torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
