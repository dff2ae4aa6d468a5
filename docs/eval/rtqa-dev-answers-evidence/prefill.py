"""How fast llama.cpp reads a prompt under one setting: the first-token time of twelve ~550-token prompts.

    python docs/eval/rtqa-dev-answers-evidence/prefill.py '{"flash_attn_type": 0}'

The prompts are built from the cited passages of the first twelve answers of the 82aca7a run; the bundled 0.5B runs
through xllamacpp on two threads. The setting is a JSON object of xllamacpp.CommonParams fields ("poll" sets the
CPU polling of both thread pools). Prints the median first-token time and prompt tokens per second.
"""

import json
import statistics
import sys
import time
from pathlib import Path

import xllamacpp

from qa.llm.bundled import bundled_model_path

ANSWERS = Path(__file__).resolve().parents[1] / "rtqa-dev-answers-82aca7a" / "0.5b" / "answers.jsonl"


def prompt(row: dict, salt: object) -> list[dict]:
    # The salt keeps llama.cpp's prompt cache from reusing the previous prompt's start.
    context = " ".join(c["quote"][:700] for c in row["citations"][:4]) or row["answer"]
    context = ((context + " ") * 3)[:2600]
    return [{"role": "system", "content": f"Answer from the sources. ({salt})"},
            {"role": "user", "content": f"Sources: {context}\nQuestion: {row['question']}"}]


def main(setting: dict) -> None:
    rows = [json.loads(line) for line in ANSWERS.read_text(encoding="utf-8").splitlines()][:12]
    params = xllamacpp.CommonParams()
    params.model.path = str(bundled_model_path("qwen2.5-coder-0.5b", Path.home() / ".cache" / "newsdesk" / "models"))
    params.n_ctx = 4096
    params.cpuparams.n_threads = params.cpuparams_batch.n_threads = 2
    params.verbosity = -1
    for key, value in setting.items():
        if key == "poll":
            params.cpuparams.poll = params.cpuparams_batch.poll = value
        else:
            setattr(params, key, value)
    server = xllamacpp.Server(params)
    server.handle_chat_completions({"messages": prompt(rows[0], "warm"), "max_tokens": 1})
    seconds, rates = [], []
    for i, row in enumerate(rows):
        started = time.perf_counter()
        out = server.handle_chat_completions({"messages": prompt(row, i), "max_tokens": 1, "temperature": 0})
        took = time.perf_counter() - started
        seconds.append(took)
        rates.append(out["usage"]["prompt_tokens"] / took)
    print(f"{setting}: first token p50 {statistics.median(seconds):.2f} s, "
          f"{statistics.median(rates):.0f} prompt tokens/s")


if __name__ == "__main__":
    main(json.loads(sys.argv[1]) if len(sys.argv) > 1 else {})
