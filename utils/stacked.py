"""M fully connected networks of one layout, stored as one set of tensors.

Every layer is one tensor with a leading model axis, W [M, in, out] and b [M, 1, out], so one
matrix product runs a layer for all M models. A sweep of 2,000 tiny models trained one by one
spends nearly all its time in Python and PyTorch overhead (a step costs ~200 us; its arithmetic
~1.5 us); stacked, the overhead is paid once per step for all of them.

Models of different hidden widths share one tensor by zero-padding to the widest. A padded unit
has all-zero weights, so with relu, tanh or linear activations it outputs 0, gets zero gradients
and stays zero; with sigmoid (0.5 at 0) a fixed 0/1 mask keeps it at zero. Either way padding does
not change a model (tests/test_batched.py checks it against training each nn.Module alone).
"""

import torch
import torch.nn as nn

from ._validate import as_tensor, check_choice, check_generator, check_int, per_model, shown
from .losses import percent_correct, targets

ACTIVATIONS = ("relu", "sigmoid", "tanh", "linear")


class BatchedMLP:
    """M fully connected networks with layer sizes `sizes` = [inputs, hidden..., outputs].

    activation: hidden-layer nonlinearity ('relu', 'sigmoid', 'tanh', 'linear'); the
    output layer is linear (logits). hidden_widths: optional [M, n_hidden_layers] actual
    widths (each <= the matching entry of sizes); narrower models are zero-padded.
    dropout: one rate or one per model, applied after each hidden layer in training.
    Weights start as nn.Linear's do: uniform in +-1/sqrt(fan_in).
    dtype: torch.float32 (the default, as nn.Linear) or torch.float64. The starting weights are the same
    draws either way. In float64 the rounding differences between CPUs (another vector width, another
    order of a sum: about 1e-7 of a value in float32, 1e-16 in float64) stay far too small to tip a
    prediction, so a sweep prints the same accuracies on every machine; it costs some speed.
    """

    def __init__(
        self, n_models, sizes, activation="relu", hidden_widths=None, dropout=0.0, generator=None, dtype=torch.float32
    ):
        self.m = check_int("n_models", n_models, minimum=1)
        if not isinstance(sizes, (list, tuple)):
            raise TypeError(f"sizes must be a list of layer sizes, e.g. [2, 8, 1]; got {sizes!r}.")
        sizes = [check_int(f"sizes[{i}]", s, minimum=1) for i, s in enumerate(sizes)]
        if len(sizes) < 2:
            raise ValueError(f"sizes must list at least inputs and outputs, e.g. [2, 8, 1]; got {sizes}.")
        check_choice("activation", activation, ACTIVATIONS)
        check_choice("dtype", dtype, (torch.float32, torch.float64))
        check_generator(generator)
        self.sizes, self.activation, self.dtype = sizes, activation, dtype
        self.dropout = per_model("dropout", dropout, self.m)
        if ((self.dropout < 0) | (self.dropout > 1)).any():
            raise ValueError(f"dropout rates must lie in [0, 1], got {self.dropout.tolist()}.")
        n_hidden = len(sizes) - 2
        if hidden_widths is None:
            widths = torch.tensor(sizes[1:-1], dtype=torch.long).expand(self.m, n_hidden)
        else:
            given = as_tensor("hidden_widths", hidden_widths, dtype=torch.float64)
            if not n_hidden or given.numel() != self.m * n_hidden:
                raise ValueError(
                    f"hidden_widths must have shape ({self.m}, {n_hidden}), one row per model and one width per "
                    f"hidden layer; got {shown(hidden_widths)}."
                )
            widths = given.reshape(self.m, n_hidden)
            maxw = torch.tensor(sizes[1:-1])
            if (widths < 1).any() or (widths > maxw).any() or not torch.equal(widths, widths.round()):
                raise ValueError(
                    f"hidden_widths must be whole numbers between 1 and the layer sizes {sizes[1:-1]}; got "
                    f"{widths.tolist() if widths.numel() <= 12 else shown(hidden_widths)}."
                )
            widths = widths.long()
        self.widths = widths
        # masks[l] [M, 1, H_l]: 1 for a model's real units, 0 for padding
        units = [torch.arange(sizes[l + 1]) for l in range(n_hidden)]
        self.masks = [(units[l] < widths[:, l : l + 1])[:, None, :].to(dtype) for l in range(n_hidden)]
        self.padded = any(bool((mask == 0).any()) for mask in self.masks)
        self.params = []
        fan_in = torch.full((self.m,), float(sizes[0]))
        for l, (i, o) in enumerate(zip(sizes[:-1], sizes[1:])):
            bound = (1.0 / fan_in.sqrt())[:, None, None]
            W = (torch.rand(self.m, i, o, generator=generator) * 2 - 1) * bound
            b = (torch.rand(self.m, 1, o, generator=generator) * 2 - 1) * bound
            if l > 0:  # padded inputs of this layer carry no weight
                W = W * self.masks[l - 1].transpose(1, 2)
            if l < n_hidden:
                W, b = W * self.masks[l], b * self.masks[l]
                fan_in = widths[:, l].float()
            # plain tensors: the trainer computes gradients itself (utils.backprop)
            self.params += [W.to(dtype), b.to(dtype)]

    @classmethod
    def from_modules(cls, modules, activation=None, dtype=torch.float32):
        """Stack models built from nn.Linear layers with one activation between them: nn.Sequential
        models or your own nn.Module classes (whose forward may call F.relu and the like).

        The Linear layers are taken in the order the module registers them. Each module is then run on
        random inputs and compared with its stacked copy: `activation` (or, when None, the first of
        'relu', 'sigmoid', 'tanh', 'linear' that reproduces every module) must give the module's own
        outputs, else the call refuses. Hidden widths may differ between models (zero-padded). Use this
        to start a batched run from exactly the weights of one-model-at-a-time runs. dtype=torch.float64
        trains the stack in double precision from those weights (converted exactly).
        """
        if not isinstance(modules, (list, tuple)) or not all(isinstance(mod, nn.Module) for mod in modules):
            raise TypeError(
                f"modules must be a list of nn.Module models, e.g. [model] or [model_a, model_b]; got {shown(modules)} "
                f"({type(modules).__name__})."
            )
        if activation is not None:
            check_choice("activation", activation, ACTIVATIONS)
        layers = []
        for k, mod in enumerate(modules):
            lin = [x for x in mod.modules() if isinstance(x, nn.Linear)]
            if not lin:
                raise ValueError(f"modules[{k}] has no nn.Linear layers; from_modules needs models built from them.")
            layers.append(lin)
        depth = {len(l) for l in layers}
        if len(depth) != 1:
            raise ValueError(f"all modules must have the same number of Linear layers, got {sorted(depth)}.")
        sizes = [layers[0][0].in_features] + [max(l[j].out_features for l in layers) for j in range(len(layers[0]))]
        widths = [[l[j].out_features for j in range(len(l) - 1)] for l in layers]
        hidden_widths = widths if len(sizes) > 2 else None
        net = cls(len(modules), sizes, activation=activation or "linear", hidden_widths=hidden_widths, dtype=dtype)
        for j in range(len(sizes) - 1):
            W, b = net.params[2 * j], net.params[2 * j + 1]
            W.zero_(), b.zero_()
            for k, l in enumerate(layers):
                o, i = l[j].weight.shape
                W[k, :i, :o] = l[j].weight.detach().T
                b[k, 0, :o] = l[j].bias.detach()
        net.activation = net._matching_activation(modules, [activation] if activation else ACTIVATIONS)
        return net

    def _matching_activation(self, modules, candidates):
        """The first candidate activation with which this stack reproduces every module's outputs."""
        probe = 3 * torch.randn(256, self.sizes[0], generator=torch.Generator().manual_seed(0))  # own stream
        with torch.no_grad():
            wanted = []
            for mod in modules:
                was_training = mod.training
                mod.eval()  # no dropout while comparing
                wanted.append(mod(probe).reshape(len(probe), -1))
                mod.train(was_training)
            worst = {}
            for act in candidates:
                self.activation = act
                got = self.forward(probe)
                gaps = [(got[k] - w).abs().max().item() / (1 + w.abs().max().item()) for k, w in enumerate(wanted)]
                if max(gaps) < 1e-4:
                    return act
                worst[act] = (max(gaps), gaps.index(max(gaps)))
        gap, k = min(worst.values())
        raise ValueError(
            f"modules[{k}] does not compute a plain stack of its Linear layers with "
            f"{' or '.join(repr(a) for a in candidates)} between them (relative difference {gap:.2g}). "
            "from_modules handles models whose forward pass is Linear, activation, Linear, ..., Linear, "
            "with one activation throughout (nn.ReLU or F.relu, etc.) and the layers registered in the order "
            "they are used; train any other model one at a time."
        )

    def to_module(self, k):
        """Model k as an ordinary nn.Sequential (padding removed), e.g. to inspect or plot it."""
        k = check_int("k", k, minimum=0, maximum=self.m - 1)
        act = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "linear": nn.Identity}[self.activation]
        widths = [self.sizes[0]] + self.widths[k].tolist() + [self.sizes[-1]]
        layers = []
        for j, (i, o) in enumerate(zip(widths[:-1], widths[1:])):
            lin = nn.Linear(i, o)
            with torch.no_grad():
                lin.weight.copy_(self.params[2 * j][k, :i, :o].T)
                lin.bias.copy_(self.params[2 * j + 1][k, 0, :o])
            layers += [lin, act()] if j < len(widths) - 2 else [lin]
        return nn.Sequential(*layers)

    @property
    def needs_mask(self):
        """Padded units need their mask only when the activation is nonzero at 0 (sigmoid): with relu, tanh
        or linear a unit whose weights are all zero outputs 0, gets zero gradients and stays exactly zero."""
        return self.padded and self.activation == "sigmoid"

    def n_parameters(self):
        """Trainable parameters of each model (padding not counted), as a tensor [M]."""
        w = torch.cat([torch.full((self.m, 1), self.sizes[0]), self.widths, torch.full((self.m, 1), self.sizes[-1])], 1)
        return (w[:, :-1] * w[:, 1:] + w[:, 1:]).sum(1)

    @torch.no_grad()
    def accuracy(self, X, y):
        """Accuracy (%) of each model in eval mode, a tensor [M]. One output: a positive logit means
        class 1; several outputs: the largest wins. X and y as in train_batched (shared or per model)."""
        X = self._check_input(X)
        out = self.forward(X, train=False)
        loss = "bce" if out.shape[-1] == 1 else "ce"
        return percent_correct(out, targets("y", X, y, loss, self.m, self.sizes[-1]), loss).float()

    def forward(self, X, train=False, generator=None):
        """Outputs [M, N, outputs]. X is [N, inputs] (shared by all models) or [M, N, inputs]."""
        return self._forward(X, train, generator)[0]

    def _check_input(self, X, name="X"):
        """X as a tensor of the models' dtype, [N, inputs] or [M, N, inputs]; NumPy arrays and lists are converted."""
        if not isinstance(X, torch.Tensor) or X.dtype != self.dtype:
            X = as_tensor(name, X, dtype=self.dtype, ndim=(2, 3))
        if X.shape[-1] != self.sizes[0] or X.ndim not in (2, 3) or (X.ndim == 3 and X.shape[0] != self.m):
            raise ValueError(
                f"{name} must be [N, {self.sizes[0]}] or [{self.m}, N, {self.sizes[0]}], got {tuple(X.shape)}."
            )
        return X

    def _forward(self, X, train=False, generator=None):
        """Outputs, plus what the hand-written backward pass needs: each layer's input and, for each
        hidden layer, its activation before dropout and the dropout factor (None without dropout)."""
        X = self._check_input(X)
        n_layers = len(self.params) // 2
        drop = train and bool((self.dropout > 0).any())
        inputs, hidden = [], []
        h = X
        for j in range(n_layers):
            inputs.append(h)
            z = _linear(h, self.params[2 * j], self.params[2 * j + 1])
            if j == n_layers - 1:
                return z, inputs, hidden
            h = _ACTIVATE_IN_PLACE[self.activation](z)  # z is a fresh tensor: no copy needed
            if self.needs_mask:
                h = h * self.masks[j]
            keep = None
            if drop:
                p = self.dropout[:, None, None]
                scale = torch.where(p < 1, 1 / (1 - p).clamp_min(1e-12), torch.zeros_like(p))
                keep = (torch.rand(h.shape, generator=generator) >= p).to(h.dtype) * scale
            hidden.append((h, keep))
            if keep is not None:
                h = h * keep

    __call__ = forward


_ACTIVATE_IN_PLACE = {"relu": torch.relu_, "sigmoid": torch.sigmoid_, "tanh": torch.tanh_, "linear": lambda z: z}


def _linear(h, W, b):
    """h [N, in] (shared) or [M, N, in] times W [M, in, out] plus b [M, 1, out] -> [M, N, out].

    Three routes to the same numbers, picked for speed on a CPU: one wide matrix product
    when all models share the input and the layer is narrow (the result is laid out
    sample-major, which the later steps keep); a broadcast product when in == 1;
    otherwise a batched matrix product (baddbmm).
    """
    m, i, o = W.shape
    if h.ndim == 2 and o <= 8:
        return (h @ W.transpose(0, 1).reshape(i, m * o)).reshape(-1, m, o).transpose(0, 1) + b
    if h.ndim == 2:
        h = h.expand(m, -1, -1)
    if i == 1:
        return h * W + b
    return torch.baddbmm(b, h, W)
