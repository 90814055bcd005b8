"""The parameter updates of the batched trainer: the rules of torch.optim.SGD and Adam.

Every rate is a tensor [M, 1, 1], one value per model, so each model gets its own.
"""

import math

import torch


def penalized(grad, p, weight_decay=None, l1_scale=None, is_weight=True):
    """The gradient plus the penalties' terms: L2 adds weight_decay * p (every parameter, as in
    torch's optimizers); L1 adds lambda / N_w * sign(p) (weights only)."""
    if l1_scale is not None and is_weight:
        grad = grad + l1_scale * p.sign()
    if weight_decay is not None:
        grad = grad + weight_decay * p
    return grad


def sgd_(p, g, lr):
    """p <- p - lr g"""
    p.sub_(lr * g)


class Adam:
    """p <- p - lr m_hat / (sqrt(v_hat) + eps), with m and v the running means of g and g^2
    (rates betas) and hats their bias corrections: torch.optim.Adam's rule."""

    def __init__(self, params, betas=(0.9, 0.999), eps=1e-8):
        self.betas, self.eps, self.t = betas, eps, 0
        self.state = [(torch.zeros_like(p), torch.zeros_like(p)) for p in params]

    def tick(self):
        """Call once per step, before the parameters' updates."""
        self.t += 1

    def update_(self, j, p, g, lr):
        b1, b2 = self.betas
        m1, m2 = self.state[j]
        m1.mul_(b1).add_(g, alpha=1 - b1)
        m2.mul_(b2).addcmul_(g, g, value=1 - b2)
        bc1, bc2 = 1 - b1**self.t, 1 - b2**self.t
        denom = (m2.sqrt() / math.sqrt(bc2)).add_(self.eps)
        p.sub_((lr / bc1) * m1 / denom)
