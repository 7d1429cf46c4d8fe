"""Checks sqlrl's TensorBoard event files with TensorBoard itself: see check-tensorboard.sh."""
import glob
import json
import math
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import numpy as np
from tensorboard.backend.event_processing import plugin_event_accumulator
from tensorboard.util import tensor_util


def expected_scalars(run):
    """metrics.jsonl's numbers and booleans by key and step, as float32; null (NaN/inf in the run) as NaN."""
    by_tag = {}
    with open(os.path.join(run, "metrics.jsonl"), encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            for key, value in record.items():
                if key == "step" or isinstance(value, (str, list, dict)):
                    continue
                number = math.nan if value is None else float(np.float32(float(value)))
                by_tag.setdefault(key, {})[record["step"]] = number
    return by_tag


def same(a, b):
    return a == b or (not math.isfinite(a) and not math.isfinite(b))


def differences(expected, shown):
    """Tags whose steps or values differ, and tags shown that metrics.jsonl does not have."""
    wrong = [tag for tag, series in expected.items()
             if set(series) != set(shown.get(tag, {})) or not all(same(v, shown[tag][s]) for s, v in series.items())]
    return wrong, sorted(set(shown) - set(expected))


def check_python_loader(run):
    accumulator = plugin_event_accumulator.EventAccumulator(os.path.join(run, "tensorboard"),
                                                            size_guidance={"tensors": 0})
    accumulator.Reload()
    shown, texts = {}, []
    for tag in accumulator.Tags()["tensors"]:
        events = accumulator.Tensors(tag)
        if len({e.step for e in events}) != len(events):
            print(f"  {tag}: a step shown twice: {[e.step for e in events]}")
            return False
        plugin = accumulator.SummaryMetadata(tag).plugin_data.plugin_name
        if plugin == "scalars":
            shown[tag] = {e.step: float(tensor_util.make_ndarray(e.tensor_proto).item()) for e in events}
        elif plugin == "text":
            texts += [e.step for e in events]
    wrong, extra = differences(expected_scalars(run), shown)
    print(f"python loader, {run}: {len(shown)} scalar tags, {sum(map(len, shown.values()))} points,"
          f" samples text at steps {texts}; differing {wrong}, not in metrics.jsonl {extra}")
    return not wrong and not extra


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_data_server(logdir, runs):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "tensorboard.main", "--logdir", logdir, "--host", "127.0.0.1",
                               "--port", str(port), "--load_fast=true"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def get(path, **query):
        url = f"http://127.0.0.1:{port}{path}" + ("?" + urllib.parse.urlencode(query) if query else "")
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.load(response)

    names = {run: os.path.relpath(os.path.join(run, "tensorboard"), logdir) for run in runs}
    ok = True
    try:
        deadline = time.time() + 120
        while True:  # the data server loads in the background: wait until every run has its tags
            try:
                tags = get("/data/plugin/scalars/tags")
                if all(tags.get(name) for name in names.values()):
                    break
            except OSError:
                pass
            if time.time() > deadline:
                print("data server: runs not loaded within 120 s")
                return False
            time.sleep(1)
        for run, name in names.items():
            expected = expected_scalars(run)
            shown = {}
            for tag in tags[name]:
                points = get("/data/plugin/scalars/scalars", run=name, tag=tag)
                shown[tag] = {step: float(np.float32(value)) for (_, step, value) in points}
                if len(points) != len(shown[tag]):
                    print(f"  {tag}: a step shown twice")
                    ok = False
            wrong, extra = differences(expected, shown)
            text_tags = get("/data/plugin/text/tags").get(name, [])
            texts = [t["step"] for tag in text_tags for t in get("/data/plugin/text/text", run=name, tag=tag)]
            print(f"data server, {name}: {len(shown)} scalar tags, text {text_tags} at steps {texts};"
                  f" differing {wrong}, not in metrics.jsonl {extra}")
            ok &= not wrong and not extra
    finally:
        server.terminate()
        server.wait()
    return ok


def main():
    logdir = sys.argv[1]
    runs = sorted({os.path.dirname(os.path.dirname(f))
                   for f in glob.glob(os.path.join(logdir, "**", "tensorboard", "events.out.tfevents.*"), recursive=True)})
    if not runs:
        print(f"no run with tensorboard/events.out.tfevents.* under {logdir}")
        return 1
    ok = all([check_python_loader(run) for run in runs])
    ok &= check_data_server(logdir, runs)
    print("TensorBoard shows exactly the runs' metrics" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
