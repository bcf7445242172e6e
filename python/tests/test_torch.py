"""axon.torch.SpikingLinear: a drop-in nn.Linear (constructor, state_dict,
forward) that records its inputs and simulates them with exact acc."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
import axon  # noqa: E402
from axon.torch import SpikingLinear  # noqa: E402


def test_drop_in_for_linear():
    torch.manual_seed(0)
    lin = torch.nn.Linear(48, 40)
    s = SpikingLinear.from_linear(lin)
    assert isinstance(s, torch.nn.Linear)
    assert list(s.state_dict()) == list(lin.state_dict())
    x = torch.randn(3, 5, 48)
    assert torch.equal(s(x), lin(x))
    fresh = SpikingLinear(48, 40)
    fresh.load_state_dict(lin.state_dict())  # same state_dict, both ways
    lin.load_state_dict(s.state_dict())
    assert torch.equal(fresh(x), lin(x))
    assert s.recorded().shape == (15, 48)
    nb = SpikingLinear(48, 40, bias=False)
    assert nb.bias is None and list(nb.state_dict()) == ["weight"]


def test_simulate_recorded_inputs():
    torch.manual_seed(1)
    s = SpikingLinear(64, 32, max_tokens=20)
    with torch.no_grad():
        for _ in range(3):
            s(torch.randn(8, 64))
    x = s.recorded()
    assert x.shape == (20, 64)  # capped at max_tokens
    r = s.simulate(tile="32x32", coding="ternary", clock_mhz=250)
    assert isinstance(r, axon.Result)
    assert r.exact and r.report["exact"] is True and r.report["mismatches"] == 0
    assert r.acc.shape == (20, 32) and r.acc.dtype == np.int32
    assert r.report["cores"] == 2 and r.report["clock_mhz"] == 250
    # y approximates the bias-free float product; the report measured it too
    ref = torch.nn.functional.linear(x, s.weight.detach()).numpy()
    cos = float((r.y * ref).sum() / np.sqrt((r.y ** 2).sum() * (ref ** 2).sum()))
    assert cos > 0.95 and abs(cos - r.report["cosine"]) < 1e-6
    s.clear()
    with pytest.raises(RuntimeError, match="no inputs"):
        s.simulate()


def test_bfloat16_weights_are_written_as_bf16(tmp_path):
    from conftest import read_safetensors
    w = torch.randn(4, 6, dtype=torch.bfloat16)
    axon.write_tensors(tmp_path / "w.st", {"w": w})
    back = read_safetensors(tmp_path / "w.st")["w"]
    assert np.array_equal(back, w.view(torch.int16).numpy().view(np.uint16))
