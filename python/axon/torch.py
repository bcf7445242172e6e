"""
axon.torch — PyTorch layers that run on the modelled chip.

SpikingLinear follows the pattern of STONNE's SimulatedLinear and NeuroSim's
QLinear: a drop-in replacement for torch.nn.Linear whose forward pass is the
ordinary float computation (so the model's accuracy and training are not
touched) while the layer records what it saw; simulate() then replays the
recorded inputs through the hardware model (spike coding, cycle-accurate
simulation, bit-exact INT8 check, energy) and returns an axon.Result.
"""
import torch
import torch.nn.functional as F

import axon


class SpikingLinear(torch.nn.Linear):
    """torch.nn.Linear that records its inputs for the neuromorphic simulator.

    Same constructor and state_dict as nn.Linear (weight [out, in], bias [out]); build one
    from an existing layer with SpikingLinear.from_linear(lin). forward(x) returns exactly
    what nn.Linear returns and, while .recording is True, keeps a float32 CPU copy of x
    flattened to [tokens, in_features] (at most max_tokens rows, None = all).

    simulate(**params) writes the weights (`<name>.weight`), the recorded inputs
    (`<name>.input`) and their bias-free products x W^T (`<name>.output`, so the report
    measures the spiking result's accuracy) with the library's tensor writer and runs them
    through axon.run(**params); params are the parameter table's keywords (clock_mhz=250,
    tile="64x64", coding="ternary", ...). The bias is not part of the simulated layer (the
    chip computes x W^T; a bias is added after it).
    """

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None, *,
                 max_tokens=None, name="linear"):
        super().__init__(in_features, out_features, bias, device=device, dtype=dtype)
        self.recording = True
        self.max_tokens = max_tokens
        self.name = name
        self._inputs = []
        self._tokens = 0

    @classmethod
    def from_linear(cls, lin, **kwargs):
        """A SpikingLinear with lin's shape, dtype, device and parameters."""
        m = cls(lin.in_features, lin.out_features, lin.bias is not None,
                device=lin.weight.device, dtype=lin.weight.dtype, **kwargs)
        m.load_state_dict(lin.state_dict())
        return m

    def forward(self, x):
        if self.recording and (self.max_tokens is None or self._tokens < self.max_tokens):
            rows = x.detach().reshape(-1, self.in_features)
            if self.max_tokens is not None:
                rows = rows[: self.max_tokens - self._tokens]
            self._inputs.append(rows.to(device="cpu", dtype=torch.float32).clone())
            self._tokens += rows.shape[0]
        return F.linear(x, self.weight, self.bias)

    def recorded(self):
        """The recorded inputs, float32 [tokens, in_features] (empty before any forward)."""
        if not self._inputs:
            return torch.zeros(0, self.in_features)
        if len(self._inputs) > 1:
            self._inputs = [torch.cat(self._inputs)]
        return self._inputs[0]

    def clear(self):
        """Forgets the recorded inputs."""
        self._inputs, self._tokens = [], 0

    def simulate(self, **params):
        """Runs the recorded inputs through the simulator; returns an axon.Result."""
        x = self.recorded()
        if x.shape[0] == 0:
            raise RuntimeError("SpikingLinear.simulate: no inputs recorded (hint: call the layer "
                               "first, with .recording True)")
        with torch.no_grad():
            w = self.weight.detach().to(device="cpu", dtype=torch.float32)
            y = F.linear(x, w)
        n = self.name
        return axon.run({f"{n}.weight": w.numpy()},
                        {f"{n}.input": x.numpy(), f"{n}.output": y.numpy()}, layer=n, **params)

    def extra_repr(self):
        return super().extra_repr() + f", recorded_tokens={self._tokens}"
