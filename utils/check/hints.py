"""The two hint levels of every check, by check name: (a nudge, the step's answer).

A verdict shows the nudge for hint=1 and both for hint=2. The nudge points at what to think about and does not
contain the answer (tests/test_checks_core.py checks that). Kept in one table so that all hints read together.
"""

HINTS = {
    # an unfortunate starting value
    "derivative": (
        "two rules are needed: the power rule for x^2, and for the cosine the chain rule (the derivative of cos(u) "
        "is -sin(u) times the derivative of u)",
        "def df(x): return -2 * np.pi * np.sin(2 * np.pi * x) + 2 * x",
    ),
    "descent_1d": (
        "the loop of the 1-D lecture: start a list with x, then each epoch move x against the slope and append it",
        "path = [x]; for _ in range(epochs): x = x - lr * df(x); path.append(x); return np.array(path)",
    ),
    "zero_start": (
        "run your gradient_descent from exactly 0.0 and print df(0.0)",
        "gradient_descent(0.0) stays at 0: df(0) = 0, so every update lr * df(0) is 0",
    ),
    # 2D gradient ascent
    "ascent": (
        "descent moves against the gradient, because the gradient points uphill; what does climbing need?",
        "p = p + lr * np.array(grad_f(*p)) in the loop instead of p - lr * ...",
    ),
    "same_maximum": (
        "the highest point of f is the lowest point of which function? Descend that one, with the loop unchanged",
        "g = -f (in SymPy: g_sym = -f_sym), grad_g = its gradient, lambdified; "
        "then run the unchanged descend(start, grad_g)",
    ),
    # fixed vs. dynamic learning rate
    "descend": (
        "one loop over the epochs t = 0, 1, ...: ask the rule for this epoch's rate, then take the usual step",
        "for t in range(epochs): slope = 6 * x - 3; lr = rule(t, x, slope, f(x)); x = x - lr * slope",
    ),
    "rate_by_epoch": (
        "the rate should get smaller as t grows, and stay above zero however long training runs",
        "def by_epoch(t, x, slope, loss): return 0.05 * 0.95**t",
    ),
    "rate_by_derivative": (
        "a steep slope, far from the minimum, should give a large rate; a slope of -3 is as steep as one of +3",
        "def by_derivative(t, x, slope, loss): return 0.01 * abs(slope)",
    ),
    "rate_by_loss": (
        "a high loss, far from the minimum, should give a large rate",
        "def by_loss(t, x, slope, loss): return 0.01 * loss",
    ),
    # manipulate the regression slope
    "build_and_train": (
        "the network, loss and loop of the previous lecture, with the epochs this task asks for; "
        "the predictions come from the trained network, after the loop",
        "model = nn.Sequential(nn.Linear(1, 1), nn.ReLU(), nn.Linear(1, 1)); "
        "optimizer = torch.optim.SGD(model.parameters(), lr=0.05); then 500 times: loss = nn.MSELoss()(model(x), y), "
        "zero_grad, backward, step, losses[epoch] = loss.item(); "
        "then predictions = model(x) under torch.no_grad(); return predictions, losses",
    ),
    "slope_data": (
        "x from a standard normal distribution, then y from x, the slope and a noise term half as wide",
        "x = torch.randn(50, 1); y = slope * x + torch.randn(50, 1) / 2; return x, y",
    ),
    "slope_grid": (
        "21 evenly spaced slopes including both ends, and the whole row once per repetition",
        "slopes_per_model = torch.linspace(-2, 2, 21).repeat(50)",
    ),
    "correlation": (
        "Pearson's r: centre both variables, then divide their covariance by both spreads",
        "torch.corrcoef(torch.stack([a.ravel(), b.ravel()]))[0, 1].item()",
    ),
    # many qwerties
    "three_clouds": (
        "utils.make_qwerties takes a list of centres; nn.CrossEntropyLoss wants the labels as integers",
        "X, y = utils.make_qwerties([[1, 1], [5, 1], [4, 4]], n_per_cloud=100, spread=1.0)",
    ),
    "model_243": (
        "two Linear layers with a ReLU between them; nn.CrossEntropyLoss wants raw scores out",
        "model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 3))",
    ),
    "trained": (
        "cross-entropy on integer labels, plain SGD on the full batch, and epochs enough for the loss to level off",
        "optimizer = torch.optim.SGD(model.parameters(), lr=0.05); then 1,000 times: "
        "loss = nn.CrossEntropyLoss()(model(X), y); optimizer.zero_grad(); loss.backward(); optimizer.step()",
    ),
    "probabilities": (
        "the softmax turns each row of three scores into probabilities; along which dimension?",
        "probs = torch.softmax(model(X), dim=1)",
    ),
    # convert nn.Sequential to a class
    "qwerty_class": (
        "__init__ stores three nn.Linear layers as attributes; forward applies them in turn, "
        "a ReLU after the first two; the output stays a raw logit",
        "__init__: self.first = nn.Linear(2, 16); self.second = nn.Linear(16, 1); self.out = nn.Linear(1, 1); "
        "forward: x = F.relu(self.first(x)); x = F.relu(self.second(x)); return self.out(x)",
    ),
    "same_outputs": (
        "make the class model, copy the Sequential model's starting weights into it by position "
        "(the names differ), then train both the same way",
        "cls.load_state_dict(dict(zip(cls.state_dict().keys(), seq.state_dict().values()))); "
        "then train seq and cls alike (e.g. utils.fit, SGD lr 0.05, 1,000 epochs)",
    ),
    "lr_per_model": (
        "40 evenly spaced rates including both ends, and the whole row once per repetition",
        "lr_per_model = torch.linspace(0.001, 0.1, 40).repeat(15)",
    ),
    # effects of mini-batch size
    "minibatch_setup": (
        "six sizes, 2 to the power N for N = 1 to 6: which N does range(...) start and stop at?",
        "LR = 0.001; BATCH_SIZES = [2**n for n in range(1, 7)]",
    ),
    "minibatch_results": (
        "one training run per batch size, each from a new network (or the same saved start), each told its own B; "
        "after every epoch, evaluate the training and the test set",
        "for B in BATCH_SIZES: net = utils.BatchedMLP.from_modules(starts); rec = utils.train_batched(net, "
        "X_train, y_train, loss='ce', lr=LR, epochs=EPOCHS, batch_size=B, test=(X_test, y_test)); "
        "results[B] = {k: rec[k].mean(1).numpy() for k in ('train_acc', 'test_acc')}",
    ),
}
