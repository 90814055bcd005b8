"""Looking inside the learner's networks: which Linear layers a forward pass uses and in what order, which
activation sits between them, what training a copy further would reach, and every step of a training run."""

import copy

import torch
import torch.nn as nn

from ._core import Wrong, call

_ACTIVATIONS = {"relu": torch.relu, "linear": lambda z: z, "sigmoid": torch.sigmoid, "tanh": torch.tanh}


def layers_in_order(model, probe, who="the model"):
    """The nn.Linear layers in the order a forward pass on probe calls them (not the order __init__ made them)."""
    used = []
    hooks = [
        m.register_forward_hook(lambda m, i, o: used.append(m)) for m in model.modules() if isinstance(m, nn.Linear)
    ]
    try:
        with torch.no_grad():
            out = call(model, probe, who=who)
    finally:
        for h in hooks:
            h.remove()
    order = list(dict.fromkeys(used))
    return order, out


def stack(layers, act, x, skip=()):
    """x through the layers with the activation `act` between them (none after the layer numbers in skip)."""
    for k, layer in enumerate(layers[:-1]):
        x = layer(x) if k + 1 in skip else _ACTIVATIONS[act](layer(x))
    return layers[-1](x)


def activation(layers, out, probe):
    """The activation with which a plain stack of `layers` computes `out` on probe, or None."""
    with torch.no_grad():
        for act in _ACTIVATIONS:
            want = stack(layers, act, probe)
            if want.shape == out.shape and torch.allclose(want, out, atol=1e-5 * (1 + float(out.abs().max()))):
                return act
    return None


def with_own_weights(model, probe, seed=6, who="the model"):
    """A copy of model with weights of our own (seeded normal draws, so that every unit is active for some
    probe points and not for others); returns the copy's layers in call order and its outputs on probe."""
    twin = copy.deepcopy(model)
    layers, _ = layers_in_order(twin, probe, who)
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in layers:
            m.weight.copy_(torch.randn(m.weight.shape, generator=g))
            if m.bias is not None:
                m.bias.copy_(0.5 * torch.randn(m.bias.shape, generator=g))
        out = call(twin, probe, who=who)
    return layers, out


def expect_relu(model, probe, who):
    """Raise Wrong unless model computes its Linear layers with ReLUs between them (checked on weights of our own)."""
    layers, out = with_own_weights(model, probe, who=who)
    act = activation(layers, out, probe)
    if act == "linear":
        raise Wrong(f"{who} is linear: the ReLU between its layers is missing")
    if act is None:
        raise Wrong(f"{who} does not compute its Linear layers with one activation between them")
    if act != "relu":
        raise Wrong(f"the hidden layer of {who} computes like {act!r}, not a ReLU")


def sizes(layers):
    return [(m.in_features, m.out_features) for m in layers]


def without_bias(layers):
    return [k for k, m in enumerate(layers) if m.bias is None]


def trained_further(model, X, y, loss_fn, lr, epochs):
    """A copy of model after `epochs` more full-batch SGD steps on (X, y): where this start's training is heading."""
    more = copy.deepcopy(model)
    optimizer = torch.optim.SGD(more.parameters(), lr=lr)
    for _ in range(epochs):
        loss = loss_fn(more(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return more


class Watch:
    """Inside `with Watch() as w:`, record every call of every nn.Module that holds parameters: w.calls lists
    (module, inputs' first argument, parameters as one detached vector) in order. The learner's training loop
    runs unchanged; the record shows which network it trained, on which rows, and every step it took."""

    def __enter__(self):
        self.calls, self._depth = [], 0
        self._hooks = [
            nn.modules.module.register_module_forward_pre_hook(self._enter),
            nn.modules.module.register_module_forward_hook(self._leave),
        ]
        return self

    def _enter(self, module, args):
        if self._depth == 0:  # the outermost call only: a network's own layers are part of its record
            params = [p.detach().reshape(-1) for p in module.parameters()]
            if params:
                self.calls.append((module, args[0] if args else None, torch.cat(params).clone()))
        self._depth += 1

    def _leave(self, module, args, out):
        self._depth -= 1

    def __exit__(self, *exc):
        for hook in self._hooks:
            hook.remove()

    def network(self):
        """The outermost module called (the learner's model): the first called that no other called one contains."""
        mods = list(dict.fromkeys(m for m, _, _ in self.calls))
        inner = {id(c) for m in mods for c in m.modules() if c is not m}
        roots = [m for m in mods if id(m) not in inner]
        if not roots:
            raise Wrong(
                "the check follows training through an nn.Module (nn.Sequential, or a class of your own) "
                "called inside the function, and saw none"
            )
        return roots[0]

    def states(self, net):
        """The network's distinct parameter vectors in the order training visited them, its final one last."""
        seen = [p for m, _, p in self.calls if m is net]
        seen.append(torch.cat([p.detach().reshape(-1) for p in net.parameters()]))
        out = [seen[0]]
        for p in seen[1:]:
            if not torch.equal(p, out[-1]):
                out.append(p)
        return torch.stack(out)

    def batch_sizes(self, net):
        return {len(x) for m, x, _ in self.calls if m is net and isinstance(x, torch.Tensor) and x.ndim > 0}
