"""The backward pass of the stacked MLPs, written out as the chain rule.

For layer j the forward pass computed  z_j = a_j W_j + b_j  and  a_{j+1} = f(z_j)  (then
dropout: a_{j+1} * keep_j). Given dL/dz of the last layer (losses.loss_and_grad), walking back:

    dL/dW_j = a_j^T dL/dz_j          (summed over the samples)
    dL/db_j = sum_samples dL/dz_j
    dL/da_j = dL/dz_j W_j^T
    dL/dz_{j-1} = dL/da_j * keep_{j-1} * f'(z_{j-1})

the rules the backprop lecture derives for one unit, here for M models at once (every
tensor has a leading model axis). Written by hand instead of autograd because at these
sizes a step is bound by passes over memory and this makes fewer of them (in place where
it can). tests/test_batched.py checks every case against autograd.
"""

import torch


def backward(net, dout, inputs, hidden):
    """One gradient per parameter of `net`, in the order of net.params.

    dout: dL/dz of the output layer; inputs[j]: a_j, the input of layer j; hidden[j]: the
    activation f(z_j) and the dropout factor keep_j (None without dropout). Uses up
    `hidden`: activations are overwritten once they are no longer needed.
    """
    params, grads = net.params, [None] * len(net.params)
    dz = dout
    for j in reversed(range(len(inputs))):
        grads[2 * j] = _weight_grad(inputs[j], dz)  # dL/dW_j = a_j^T dL/dz_j
        grads[2 * j + 1] = dz.sum(1, keepdim=True)  # dL/db_j = sum over samples of dL/dz_j
        if j:
            h, keep = hidden[j - 1]
            dz = _input_grad(dz, params[2 * j])  # dL/da_j = dL/dz_j W_j^T
            if keep is not None:
                dz.mul_(keep)  # through dropout: the same factor as forward
            _times_derivative_(dz, h, net.activation)  # dL/dz_{j-1} = dL/da_j * f'(z_{j-1})
    return grads


def _times_derivative_(d, h, activation):
    """d *= f'(z), written with the activation's output h = f(z); overwrites h.

    relu: f' = 1 where h > 0, else 0; sigmoid: f' = h (1 - h); tanh: f' = 1 - h^2; linear: f' = 1.
    (All float ops, in place: comparisons producing bool tensors are slow on a CPU.)
    """
    if activation == "relu":
        d.mul_(h.sign_())
    elif activation == "sigmoid":
        d.mul_(h).mul_(h.neg_().add_(1))
    elif activation == "tanh":
        d.mul_(h.mul_(h).neg_().add_(1))


def _weight_grad(a, dz):
    """a^T dz summed over samples, for every model: a [N, in] or [M, N, in], dz [M, N, out] -> [M, in, out]."""
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
