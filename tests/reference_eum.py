"""Plain scalar Expected Utility Model for one issue, used as a reference.

Written with lists, floats and explicit loops over actors so that each step can
be read against Scholz, Calbert and Smith (2011) line by line. The vectorised
engine ``realpolitik.models.eum.expected_utility`` must agree with it.

The keyword ``reading`` switches between published readings of ambiguous steps
(see docs/model.md, "Where the descriptions differ"); its default is
the reading the project takes. Alternatives exist only here, to document what
each reading gives on the Scholz example.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reading:
    """Choices at the ambiguous steps of the model.

    probability : "pair" (votes cast in the contest between the two positions,
        the published equation) or "all_pairs" (votes cast in every contest of
        the round, as reported of the program behind Scholz et al.'s Table 2).
    perspective : "receiver" (j judges both values of the dyad with its own
        exponent and decides whether to yield), "proposer" (i judges them with
        its exponent) or "own" (each value computed with its own actor's
        exponent: perfect information).
    choice : "least_move" (take the offer that moves the actor least),
        "by_type" (conflicts first, then compromises, then capitulations; the
        least move within the type) or "by_type_weighted" (as "by_type", but
        compromises ranked by the average of the two positions, each weighted
        by the size of its holder's expected utility, lowest first, as
        reported of the program behind Table 2).
    votes : "linear" (a vote is ``w_k`` times the difference of the distances
        from the voter to the two positions, the stated equation) or "risk"
        (the difference of those scaled distances each raised to the voter's
        own risk exponent ``r_k``: Bueno de Mesquita's vote as a difference of
        the voter's utilities, as reported of the program behind Table 2).
        Exponents are always computed from linear votes.
    scale : "initial" (range of initial positions, fixed) or "current"
        (range recomputed each round).
    risk : "per_round" (exponents recomputed every round), "first_round"
        (computed once from the initial positions) or "neutral" (r = 1).
    """

    probability: str = "pair"
    perspective: str = "receiver"
    choice: str = "least_move"
    scale: str = "initial"
    risk: str = "per_round"
    votes: str = "linear"


PROJECT_READING = Reading()


def weighted_median(xs: list[float], ws: list[float]) -> float:
    """Median voter position: midpoint of lower/upper weighted medians."""
    order = sorted(range(len(xs)), key=lambda n: xs[n])
    total = sum(ws)
    half = 0.5 * total
    slack = 1e-12 * total
    running = 0.0
    lower = None
    upper = None
    for n in order:
        running += ws[n]
        if lower is None and running >= half - slack:
            lower = xs[n]
        if upper is None and running > half + slack:
            upper = xs[n]
    if upper is None:
        upper = xs[order[0]]
    return 0.5 * (lower + upper)


def weighted_mean(xs: list[float], ws: list[float]) -> float:
    """Compromise position: the weighted mean."""
    return sum(w * x for w, x in zip(ws, xs, strict=True)) / sum(ws)


def vote(xs, ws, k, i, j, scale, exponents):
    """Actor k's support for i against j: weighted difference of (powered) distances."""
    power = 1.0 if exponents is None else exponents[k]
    return ws[k] * ((abs(xs[k] - xs[j]) / scale) ** power - (abs(xs[k] - xs[i]) / scale) ** power)


def probability(xs, ws, i, j, reading, scale=1.0, exponents=None):
    """Probability that i prevails over j from everyone's votes.

    ``exponents`` (one per voter) turns the votes into differences of the
    voters' risk-shaped utilities; None means linear votes.
    """
    favour = 0.0
    total = 0.0
    for k in range(len(xs)):
        support = vote(xs, ws, k, i, j, scale, exponents)
        if support > 0:
            favour += support
        total += abs(support)
    if reading.probability == "all_pairs":
        total = 0.0
        for a in range(len(xs)):
            for b in range(len(xs)):
                for k in range(len(xs)):
                    total += abs(vote(xs, ws, k, a, b, scale, exponents))
    if total <= 0:
        return 0.5
    return favour / total


def utility(base, r):
    """BDM's utility form 2 - 4 * base ** r."""
    return 2.0 - 4.0 * base**r


def challenge_value(xs, ss, prob, i, j, r, mu, scale, q, t):
    """Expected utility of i challenging j, computed with exponent r."""
    d = abs(xs[i] - xs[j]) / scale
    m = abs(xs[i] - mu) / scale
    u_s = utility(0.5 - 0.5 * d, r)
    u_f = utility(0.5 + 0.5 * d, r)
    u_sq = utility(0.5, r)
    value = ss[j] * (prob[i][j] * u_s + (1 - prob[i][j]) * u_f) + (1 - ss[j]) * u_s - q * u_sq
    if q != 1.0:
        u_b = utility(0.5 - 0.25 * (m + d), r)
        u_w = utility(0.5 + 0.25 * (m + d), r)
        value -= (1 - q) * (t * u_b + (1 - t) * u_w)
    return value


def risk_exponents(xs, ss, prob, mu, scale, q, t):
    """r_i from the danger each actor faces, all exponents 1."""
    n = len(xs)
    danger = []
    for i in range(n):
        total = 0.0
        for j in range(n):
            if j != i:
                total += challenge_value(xs, ss, prob, j, i, 1.0, mu, scale, q, t)
        danger.append(total)
    high = max(danger)
    low = min(danger)
    exponents = []
    for i in range(n):
        relative = 0.0 if high - low <= 0 else (2 * danger[i] - high - low) / (high - low)
        exponents.append((1 - relative / 3) / (1 + relative / 3))
    return exponents


def classify(own, other):
    """Dyad type seen by the actor whose expected utilities are own / other.

    own: the perceiver's value of challenging; other: the counterpart's value
    of challenging the perceiver. Returns the kind of offer the perceiver
    expects the counterpart to accept, or None.
    """
    if own <= 0:
        return None
    if other > 0:
        return "conflict" if own > other else None
    if own > -other:
        return "compromise"
    return "capitulation"


def offers_to(xs, ss, prob, r, mu, scale, q, t, j, reading):
    """All offers actor j receives: list of (kind, new position, proposer value)."""
    received = []
    for i in range(len(xs)):
        if i == j or abs(xs[i] - xs[j]) / scale <= 1e-9:
            continue  # the same position: nothing to contest
        judge = i if reading.perspective == "proposer" else j
        r_own = r[i] if reading.perspective == "own" else r[judge]
        r_other = r[j] if reading.perspective == "own" else r[judge]
        own = challenge_value(xs, ss, prob, i, j, r_own, mu, scale, q, t)
        other = challenge_value(xs, ss, prob, j, i, r_other, mu, scale, q, t)
        kind = classify(own, other)
        if kind is None:
            continue
        if kind == "compromise":
            new = xs[j] + (xs[i] - xs[j]) * (-other / own)
        else:
            new = xs[i]
        received.append((kind, new, own, other, xs[i]))
    return received


def pick(received, x_j, reading):
    """The accepted offer: least move, then larger proposer value, then lower."""
    if reading.choice in ("by_type", "by_type_weighted"):
        for kind in ("conflict", "compromise", "capitulation"):
            same = [o for o in received if o[0] == kind]
            if same:
                received = same
                break
    best = None
    for kind, new, value, other, x_i in received:
        key = (abs(new - x_j), -value, new)
        if reading.choice == "by_type_weighted" and kind == "compromise":
            key = ((-other * x_j + value * x_i) / (value - other), -value, new)
        if best is None or key < best[0]:
            best = (key, new)
    return best[1]


def one_round(xs, ss, ws, scale, q, t, reading, fixed_r=None):
    """Positions after one round of challenges and offers, and the exponents used."""
    n = len(xs)
    mu = weighted_median(xs, ws)
    prob = [[probability(xs, ws, i, j, reading) for j in range(n)] for i in range(n)]
    if fixed_r is not None:
        r = fixed_r
    elif reading.risk == "neutral":
        r = [1.0] * n
    else:
        r = risk_exponents(xs, ss, prob, mu, scale, q, t)
    if reading.votes == "risk":
        prob = [[probability(xs, ws, i, j, reading, scale, r) for j in range(n)] for i in range(n)]
    new_xs = []
    for j in range(n):
        received = offers_to(xs, ss, prob, r, mu, scale, q, t, j, reading)
        new_xs.append(pick(received, xs[j], reading) if received else xs[j])
    return new_xs, r


def reference_eum(
    positions: list[float],
    salience: list[float],
    capability: list[float],
    q: float = 1.0,
    t: float = 1.0,
    max_rounds: int = 100,
    tol: float = 1e-6,
    *,
    reading: Reading = PROJECT_READING,
) -> list[list[float]]:
    """Positions per round (round 0 = input) until they settle or rounds run out.

    The last round listed is the first in which no actor moved by more than
    ``tol``, or round ``max_rounds``.
    """
    xs = [float(x) for x in positions]
    ss = [float(s) for s in salience]
    total_c = sum(capability)
    ws = [c / total_c * s for c, s in zip(capability, ss, strict=True)]
    history = [xs]
    first_scale = max(xs) - min(xs)
    if len(xs) < 2 or first_scale <= 0:
        return history
    fixed_r = None
    for _ in range(max_rounds):
        scale = first_scale if reading.scale == "initial" else max(xs) - min(xs)
        if scale <= 0:
            break
        new_xs, r = one_round(xs, ss, ws, scale, q, t, reading, fixed_r)
        if reading.risk == "first_round":
            fixed_r = r
        history.append(new_xs)
        moved = max(abs(a - b) for a, b in zip(new_xs, xs, strict=True))
        xs = new_xs
        if moved <= tol:
            break
    return history


def median_and_mean_paths(history, salience, capability):
    """Weighted median and mean of each round's positions."""
    ws = [c * s for c, s in zip(capability, salience, strict=True)]
    return (
        [weighted_median(xs, ws) for xs in history],
        [weighted_mean(xs, ws) for xs in history],
    )
