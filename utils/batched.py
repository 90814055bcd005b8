"""Train many small MLPs of one layout at once.

A sweep of 2,000 tiny models trained one by one spends nearly all its time in
Python and PyTorch overhead (a step costs ~200 µs; its arithmetic ~1.5 µs).
Here every layer is one tensor with a leading model axis, W [M, in, out] and
b [M, 1, out], so one `baddbmm` runs a layer for all M models. The loss is the
sum over models of each model's own mean loss: the gradient each model gets is
exactly the one it would get alone, so the models stay independent.

Training computes those gradients with a backward pass written out by hand (the
chain rule of an MLP, in place where it can) instead of autograd: at these sizes the
step is bound by passes over memory, and the hand-written pass makes fewer of them.
tests/test_batched.py checks it against autograd, case by case.

Models of different hidden widths share one tensor by zero-padding to the widest.
A padded unit has all-zero weights, so with relu, tanh or linear activations it outputs
0, gets zero gradients and stays zero; with sigmoid (0.5 at 0) a fixed 0/1 mask keeps it
at zero. Either way padding does not change a model. tests/test_batched.py checks that training here
equals training each nn.Module alone.
"""

import contextlib
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from ._checks import as_numbers, as_tensor, check_choice, check_int, check_labels
from .reproducibility import CPU_COUNT

ACTIVATIONS = ("relu", "sigmoid", "tanh", "linear")
LOSSES = ("mse", "bce", "ce")


def _per_model(name, value, m, minimum=None, positive=False):
    """A float or a length-M sequence -> tensor [M] (finite; checked against minimum / positive)."""
    t = as_numbers(name, value, minimum=minimum, positive=positive)
    if t.numel() == 1:
        t = t.expand(m).clone()
    if t.numel() != m:
        raise ValueError(f"{name} must be one number or one per model ({m}); got {t.numel()} values.")
    return t


class BatchedMLP:
    """M fully connected networks with layer sizes `sizes` = [inputs, hidden..., outputs].

    activation: hidden-layer nonlinearity ('relu', 'sigmoid', 'tanh', 'linear'); the
    output layer is linear (logits). hidden_widths: optional [M, n_hidden_layers] actual
    widths (each <= the matching entry of sizes); narrower models are zero-padded.
    dropout: one rate or one per model, applied after each hidden layer in training.
    Weights start as nn.Linear's do: uniform in +-1/sqrt(fan_in).
    """

    def __init__(self, n_models, sizes, activation="relu", hidden_widths=None, dropout=0.0, generator=None):
        self.m = check_int("n_models", n_models, minimum=1)
        if not isinstance(sizes, (list, tuple)):
            raise TypeError(f"sizes must be a list of layer sizes, e.g. [2, 8, 1]; got {sizes!r}.")
        sizes = [check_int(f"sizes[{i}]", s, minimum=1) for i, s in enumerate(sizes)]
        if len(sizes) < 2:
            raise ValueError(f"sizes must list at least inputs and outputs, e.g. [2, 8, 1]; got {sizes}.")
        check_choice("activation", activation, ACTIVATIONS)
        self.sizes, self.activation = sizes, activation
        self.dropout = _per_model("dropout", dropout, self.m)
        if ((self.dropout < 0) | (self.dropout > 1)).any():
            raise ValueError(f"dropout rates must lie in [0, 1], got {self.dropout.tolist()}.")
        n_hidden = len(sizes) - 2
        if hidden_widths is None:
            widths = torch.tensor(sizes[1:-1], dtype=torch.long).expand(self.m, n_hidden)
        else:
            widths = torch.as_tensor(hidden_widths, dtype=torch.long).reshape(self.m, -1) if n_hidden else None
            if widths is None or widths.shape != (self.m, n_hidden):
                raise ValueError(f"hidden_widths must have shape ({self.m}, {n_hidden}), one row per model.")
            maxw = torch.tensor(sizes[1:-1])
            if (widths < 1).any() or (widths > maxw).any():
                raise ValueError(f"hidden_widths must lie between 1 and the layer sizes {sizes[1:-1]}.")
        self.widths = widths
        # masks[l] [M, 1, H_l]: 1 for a model's real units, 0 for padding
        self.masks = [(torch.arange(sizes[l + 1]) < widths[:, l : l + 1]).float()[:, None, :] for l in range(n_hidden)]
        # Padded units need their mask only when the activation is nonzero at 0 (sigmoid): with relu, tanh
        # or linear a unit whose weights are all zero outputs 0, gets zero gradients and stays exactly zero.
        self.needs_mask = any(bool((mask == 0).any()) for mask in self.masks) and activation == "sigmoid"
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
            self.params += [W.requires_grad_(), b.requires_grad_()]

    @classmethod
    def from_modules(cls, modules, activation=None):
        """Stack nn.Sequential models (Linear layers with one kind of activation between them).

        Hidden widths may differ between models; they are zero-padded. Use this to
        start a batched run from exactly the weights of one-model-at-a-time runs.
        """
        layers = []
        for k, mod in enumerate(modules):
            lin = [x for x in mod.modules() if isinstance(x, nn.Linear)]
            if not lin:
                raise ValueError(f"modules[{k}] has no nn.Linear layers.")
            layers.append(lin)
        depth = {len(l) for l in layers}
        if len(depth) != 1:
            raise ValueError(f"all modules must have the same number of Linear layers, got {sorted(depth)}.")
        if activation is None:
            names = {
                type(x).__name__.lower() for x in modules[0].modules() if not isinstance(x, (nn.Linear, nn.Sequential))
            }
            known = [a for a in ACTIVATIONS if a in names]
            activation = known[0] if known else "linear"
        sizes = [layers[0][0].in_features] + [max(l[j].out_features for l in layers) for j in range(len(layers[0]))]
        widths = [[l[j].out_features for j in range(len(l) - 1)] for l in layers]
        net = cls(len(modules), sizes, activation=activation, hidden_widths=widths if len(sizes) > 2 else None)
        with torch.no_grad():
            for j in range(len(sizes) - 1):
                W, b = net.params[2 * j], net.params[2 * j + 1]
                W.zero_(), b.zero_()
                for k, l in enumerate(layers):
                    o, i = l[j].weight.shape
                    W[k, :i, :o] = l[j].weight.T
                    b[k, 0, :o] = l[j].bias
        return net

    def to_module(self, k):
        """Model k as an ordinary nn.Sequential (padding removed), e.g. to inspect or plot it."""
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
        return 100 * _correct_per_model(out, _check_targets("y", X, y, loss, self), loss)

    def forward(self, X, train=False, generator=None):
        """Outputs [M, N, outputs]. X is [N, inputs] (shared by all models) or [M, N, inputs]."""
        return self._forward(X, train, generator)[0]

    def _check_input(self, X, name="X"):
        """X as a float32 tensor [N, inputs] or [M, N, inputs]; NumPy arrays and lists are converted."""
        if not isinstance(X, torch.Tensor) or X.dtype != torch.float32:
            X = as_tensor(name, X, ndim=(2, 3))
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
                keep = (torch.rand(h.shape, generator=generator) >= p).float() * scale
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


def _times_derivative_(d, h, activation):
    """d *= activation'(z), written with the activation's output h = activation(z); overwrites h.
    (All float ops, in place: comparisons producing bool tensors are slow on a CPU.)"""
    if activation == "relu":  # 1 where h > 0, else 0
        d.mul_(h.sign_())
    elif activation == "sigmoid":  # h (1 - h)
        d.mul_(h).mul_(h.neg_().add_(1))
    elif activation == "tanh":  # 1 - h^2
        d.mul_(h.mul_(h).neg_().add_(1))


def _weight_grad(a, dz):
    """Sum over samples of a^T dz for every model: a [N, in] or [M, N, in], dz [M, N, out] -> [M, in, out]."""
    if a.ndim == 2:  # input shared by all models
        m, n, o = dz.shape
        if dz.transpose(0, 1).is_contiguous():  # sample-major dz (from the wide route): one wide product
            return (a.T @ dz.transpose(0, 1).reshape(n, m * o)).reshape(-1, m, o).transpose(0, 1)
        return torch.matmul(a.T, dz)
    if a.shape[-1] == 1:
        return (a * dz).sum(1, keepdim=True)
    return torch.bmm(a.transpose(1, 2), dz)


def _input_grad(dz, W):
    """dz [M, N, out] times W^T [M, out, in] -> [M, N, in] (a new tensor)."""
    if W.shape[-1] == 1:
        return dz * W.transpose(1, 2)
    return torch.bmm(dz, W.transpose(1, 2))


def _max_threads():
    """Threads for big batched steps: DUDL_THREADS if set, else 2 when the machine has two cores."""
    value = os.environ.get("DUDL_THREADS", "").strip()
    if not value:
        return min(2, CPU_COUNT)
    try:
        return check_int("DUDL_THREADS", int(value), minimum=1)
    except ValueError:
        raise ValueError(
            f"DUDL_THREADS must be a whole number of threads (1 or more), e.g. 1; got {value!r}."
        ) from None


@contextlib.contextmanager
def _num_threads(n):
    """torch's intra-op thread count set to n inside the block, restored after."""
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _progress(iterable, show, desc):
    """A tqdm progress bar (a widget in Jupyter) for long runs; tqdm reads TQDM_DISABLE=1 to stay quiet."""
    if not show or os.environ.get("TQDM_DISABLE", "").lower() in ("1", "true", "yes"):
        return iterable  # (tqdm's notebook bar ignores TQDM_DISABLE, so check it here)
    try:
        from tqdm.auto import tqdm
    except ImportError:  # tqdm is optional
        return iterable
    return tqdm(iterable, desc=desc, leave=False, unit="epoch")


def _loss_per_model(out, y, loss):
    """Mean loss of each model, [M]."""
    if loss == "mse":
        return ((out - y.expand_as(out)) ** 2).mean(dim=(1, 2))
    if loss == "bce":
        return F.binary_cross_entropy_with_logits(out, y.expand_as(out), reduction="none").mean(dim=(1, 2))
    m, n, _ = out.shape  # classes on axis 1 is the fast layout for cross_entropy on a CPU
    return F.cross_entropy(out.transpose(1, 2), y.expand(m, n), reduction="none").mean(1)


def _loss_and_grad(out, y, loss):
    """Mean loss of each model [M] and the gradient of their sum with respect to the outputs.

    The formulas autograd would find: for MSE 2(out - y)/(N k); for BCE on logits
    sigmoid(out) - y over N k (the loss itself is softplus(out) - y out); for cross-entropy
    softmax(out) - onehot(y) over N.
    """
    m, n, k = out.shape
    if loss == "mse":
        diff = out - y
        return (diff * diff).mean(dim=(1, 2)), diff.mul_(2 / (n * k))
    if loss == "bce":
        per = F.softplus(out).addcmul_(y, out, value=-1).mean(dim=(1, 2))
        return per, torch.sigmoid(out).sub_(y).mul_(1 / (n * k))
    logp = torch.log_softmax(out.transpose(1, 2), 1).transpose(1, 2)  # (classes on axis 1 runs faster)
    per = -logp.gather(-1, y.expand(m, n)[..., None]).mean(dim=(1, 2))
    return per, logp.exp_().sub_(F.one_hot(y, k)).mul_(1 / n)


def _backward(net, dout, inputs, hidden):
    """Backpropagation by hand: dout is the gradient at the outputs; returns one gradient per parameter.
    Uses up `hidden` (the activations are overwritten in place once they are no longer needed)."""
    params, grads = net.params, [None] * len(net.params)
    dz = dout
    for j in reversed(range(len(inputs))):
        grads[2 * j] = _weight_grad(inputs[j], dz)
        grads[2 * j + 1] = dz.sum(1, keepdim=True)
        if j:
            h, keep = hidden[j - 1]
            dz = _input_grad(dz, params[2 * j])
            if keep is not None:
                dz.mul_(keep)
            _times_derivative_(dz, h, net.activation)
    return grads


def _normalize_targets(X, y, loss, m):
    """y as [1 or M, N] (class indices) or [1 or M, N, k] (values), to broadcast against outputs."""
    lead = m if X.ndim == 3 else 1
    n = X.shape[-2]
    if y.ndim < X.ndim - 1 or y.shape[X.ndim - 2] != n or (X.ndim == 3 and y.shape[0] != m):
        want = f"[{m}, {n}]" if X.ndim == 3 else f"[{n}]"
        raise ValueError(
            f"y must have shape {want} (or with a trailing output axis) to match X {tuple(X.shape)}; "
            f"got {tuple(y.shape)}."
        )
    return y.long().reshape(lead, n) if loss == "ce" else y.float().reshape(lead, n, -1)


def _check_targets(name, X, y, loss, net):
    """y as a tensor of the right kind for `loss`, checked against the network, shaped by _normalize_targets."""
    y = as_tensor(name, y)
    k = net.sizes[-1]
    if loss == "ce":
        check_labels(name, y, k)
    elif loss == "bce":
        if k != 1:
            raise ValueError(f"loss='bce' needs one output unit (a logit); the network has {k}. Use loss='ce'.")
        if y.numel() and ((y < 0) | (y > 1)).any():
            raise ValueError(
                f"{name} must hold 0/1 labels (or probabilities) for loss='bce'; got values from "
                f"{y.min().item():g} to {y.max().item():g}."
            )
    return _normalize_targets(X, y, loss, net.m)


def _correct_per_model(out, y, loss):
    """Share of correct predictions of each model (0..1), [M]; None for regression."""
    if loss == "mse":
        return None
    if loss == "bce":
        # predicted class: 1 where the logit is positive; labels 0/1 (float ops: faster than bool ones)
        return 1 - (torch.relu(out).sign() - y).abs().mean(dim=(1, 2))
    return (out.argmax(-1) == y).float().mean(1)


def train_batched(
    net,
    X,
    y,
    *,
    loss,
    lr,
    epochs,
    optimizer="sgd",
    weight_decay=0.0,
    l1=0.0,
    batch_size=None,
    test=None,
    generator=None,
    betas=(0.9, 0.999),
    eps=1e-8,
    progress=True,
    threads=None,
):
    """Train all models of `net` together; returns per-epoch, per-model records.

    X: [N, in] shared, or [M, N, in] one data set per model; y: [N] / [M, N] (or with a
    trailing 1 for 'mse'/'bce'). loss: 'mse', 'bce' (logits, labels 0/1) or 'ce' (logits,
    class indices). lr, weight_decay (L2, as in torch's optimizers, on every parameter)
    and l1 (lambda * sum|weights| / number of weights, biases excluded) take one number
    or one per model. optimizer: 'sgd' or 'adam' (the same update rule as torch.optim).
    batch_size: None for full batch; otherwise each epoch shuffles the rows once (the
    same order for every model) with `generator`. test: optional (X_test, y_test).
    progress: show a progress bar over epochs in Jupyter (quiet when TQDM_DISABLE=1, as in tests).
    threads: CPU threads while training. None: two (if the machine has them; the environment variable
    DUDL_THREADS overrides) when a step's tensors are big (models x rows x widest layer >= 100,000
    numbers), where they halve the time; otherwise the current setting (one, after seed_everything).
    Results are bit-for-bit the same on one or two threads (tests check). On a machine whose other
    cores are busy, pass threads=1 (the test suite, which runs two notebooks at once, sets DUDL_THREADS=1).

    Returns a dict of tensors [epochs, M]: train_loss, and for classification train_acc
    (percent, from the outputs each step was computed on); with `test`, test_loss and
    test_acc (eval mode: no dropout, no gradients).
    """
    if not isinstance(net, BatchedMLP):
        raise TypeError(f"net must be a BatchedMLP, got {type(net).__name__}.")
    check_choice("loss", loss, LOSSES)
    check_choice("optimizer", optimizer, ("sgd", "adam"))
    epochs = check_int("epochs", epochs, minimum=1)
    m = net.m
    lr_m = _per_model("lr", lr, m, positive=True)[:, None, None]
    wd_m = _per_model("weight_decay", weight_decay, m, minimum=0)[:, None, None]
    l1_m = _per_model("l1", l1, m, minimum=0)[:, None, None]
    X = net._check_input(X)
    n = X.shape[-2]
    y = _check_targets("y", X, y, loss, net)
    if test is not None:
        if not isinstance(test, (tuple, list)) or len(test) != 2:
            raise TypeError(f"test must be a pair (X_test, y_test), got {type(test).__name__}.")
        X_test = net._check_input(test[0], "test[0]")
        test = (X_test, _check_targets("test[1]", X_test, test[1], loss, net))
    bs = n if batch_size is None else check_int("batch_size", batch_size, minimum=1)
    if bs > n:
        raise ValueError(f"batch_size ({bs}) is larger than the data ({n} rows).")
    w_all = torch.cat([torch.full((m, 1), net.sizes[0]), net.widths, torch.full((m, 1), net.sizes[-1])], 1)
    l1_scale = l1_m / (w_all[:, :-1] * w_all[:, 1:]).sum(1).float()[:, None, None]
    use_l1, use_wd = bool((l1_m > 0).any()), bool((wd_m > 0).any())
    state = [(torch.zeros_like(p), torch.zeros_like(p)) for p in net.params] if optimizer == "adam" else None
    classify = loss != "mse"
    rec = {"train_loss": torch.zeros(epochs, m)}
    if classify:
        rec["train_acc"] = torch.zeros(epochs, m)
    if test is not None:
        rec["test_loss"] = torch.zeros(epochs, m)
        if classify:
            rec["test_acc"] = torch.zeros(epochs, m)
    if threads is None:
        big = m * bs * max(net.sizes[1:]) >= 100_000
        threads = _max_threads() if big else torch.get_num_threads()
    threads = check_int("threads", threads, minimum=1)
    with _num_threads(threads):
        step = 0
        for e in _progress(range(epochs), progress and epochs * m >= 20_000, f"training {m} models"):
            order = torch.randperm(n, generator=generator) if bs < n else None
            for start in range(0, n, bs):
                if order is None:
                    xb, yb = X, y
                else:
                    idx = order[start : start + bs]
                    xb, yb = X[..., idx, :], y[:, idx]
                with torch.no_grad():
                    out, inputs, hidden = net._forward(xb, train=True, generator=generator)
                    per, dout = _loss_and_grad(out, yb, loss)
                    grads = _backward(net, dout, inputs, hidden)
                    if use_l1:  # d/dW of lambda |W| summed, scaled per model
                        for j in range(0, len(grads), 2):
                            grads[j] = grads[j] + l1_scale * net.params[j].sign()
                    step += 1
                    share = xb.shape[-2] / n  # this batch's weight in the epoch's average
                    rec["train_loss"][e] += share * per
                    if classify:
                        rec["train_acc"][e] += share * 100 * _correct_per_model(out, yb, loss)
                    for j, (p, g) in enumerate(zip(net.params, grads)):
                        if use_wd:
                            g = g + wd_m * p
                        if optimizer == "sgd":
                            p.sub_(lr_m * g)
                        else:
                            m1, m2 = state[j]
                            m1.mul_(betas[0]).add_(g, alpha=1 - betas[0])
                            m2.mul_(betas[1]).addcmul_(g, g, value=1 - betas[1])
                            bc1, bc2 = 1 - betas[0] ** step, 1 - betas[1] ** step
                            denom = (m2.sqrt() / math.sqrt(bc2)).add_(eps)
                            p.sub_((lr_m / bc1) * m1 / denom)
                        if net.needs_mask and j // 2 < len(net.masks):  # keep padded units exactly zero
                            p.mul_(net.masks[j // 2])
            if test is not None:
                with torch.no_grad():
                    out = net.forward(test[0], train=False)
                    rec["test_loss"][e] = _loss_per_model(out, test[1], loss)
                    if classify:
                        rec["test_acc"][e] = 100 * _correct_per_model(out, test[1], loss)
    return rec
