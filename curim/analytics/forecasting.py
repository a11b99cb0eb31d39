"""Weekly count forecasts with prediction intervals, chosen by rolling-origin cross-validation.

Three models (seasonal naive, simple exponential smoothing, a negative-binomial NB2 regression on
a trend and annual Fourier terms), the backtest that picks one by MASE, and the rule that pools
districts too sparse for a stable forecast. docs/analytics/forecasting.md writes every formula
out; tests/analytics/test_forecasting.py checks SES and NB2 against statsmodels.
"""

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, signal, special, stats

FloatArray = NDArray[np.float64]

DEFAULT_LEVELS: Final = (0.80, 0.95)
WEEKS_PER_YEAR: Final = 52
# The mean length of a year in weeks (365.25 / 7): annual Fourier terms use it, so the
# seasonal pattern does not drift by a day and a quarter a year against the calendar.
SEASONAL_PERIOD_WEEKS: Final = 365.25 / 7
DEFAULT_FOURIER_PAIRS: Final = 2
# NB2 dispersion is estimated on log(alpha); below this it is the Poisson limit and reported so.
MIN_DISPERSION: Final = 1e-8
MAX_DISPERSION: Final = 1e4

SEASONAL_NAIVE: Final = "seasonal_naive"
EXPONENTIAL_SMOOTHING: Final = "exponential_smoothing"
NEGATIVE_BINOMIAL: Final = "negative_binomial"

OTHER_DISTRICTS: Final = "other districts"
WHOLE_MUNICIPALITY: Final = "whole municipality"


@dataclass(frozen=True)
class Forecast:
    """Point forecasts for weeks T+1..T+h and interval bounds, one row per level."""

    mean: FloatArray
    levels: tuple[float, ...]
    # Shape (len(levels), h); counts cannot be negative, so every lower bound is >= 0.
    lower: FloatArray
    upper: FloatArray

    def interval(self, level: float) -> tuple[FloatArray, FloatArray]:
        row = self.levels.index(level)
        return self.lower[row], self.upper[row]


class FittedModel(Protocol):
    def forecast(self, h: int, levels: Sequence[float] = DEFAULT_LEVELS) -> Forecast: ...


class CountModel(Protocol):
    @property
    def name(self) -> str: ...

    def fit(self, y: ArrayLike) -> FittedModel: ...


def _as_series(y: ArrayLike) -> FloatArray:
    series = np.asarray(y, dtype=np.float64)
    if series.ndim != 1:
        raise ValueError("A count series must be one-dimensional.")
    if not np.isfinite(series).all() or (series < 0).any():
        raise ValueError("Counts must be finite and non-negative.")
    return series


def _check_horizon(h: int, levels: Sequence[float]) -> None:
    if h < 1:
        raise ValueError("The forecast horizon must be at least one week.")
    if not all(0 < level < 1 for level in levels):
        raise ValueError("Interval levels must lie strictly between 0 and 1.")


def _normal_intervals(
    mean: FloatArray, sd: FloatArray, levels: Sequence[float]
) -> tuple[FloatArray, FloatArray]:
    z = stats.norm.ppf(0.5 + np.asarray(levels, dtype=np.float64) / 2)[:, None]
    lower = np.maximum(mean[None, :] - z * sd[None, :], 0.0)
    return lower, mean[None, :] + z * sd[None, :]


def default_seasonal_period(length: int) -> int:
    """52 when the series holds at least two full years, else 1 (the naive method)."""
    return WEEKS_PER_YEAR if length >= 2 * WEEKS_PER_YEAR else 1


# --- 1. Seasonal naive --------------------------------------------------------------------------


@dataclass(frozen=True)
class SeasonalNaiveFit:
    last_season: FloatArray
    period: int
    # Root mean square of the in-sample one-season-back residuals y_t - y_{t-m}.
    sigma: float

    def forecast(self, h: int, levels: Sequence[float] = DEFAULT_LEVELS) -> Forecast:
        _check_horizon(h, levels)
        steps = np.arange(1, h + 1)
        mean = self.last_season[(steps - 1) % self.period]
        # FPP3 5.5: the h-step sd is sigma * sqrt(k + 1), k the whole seasons before T + h.
        sd = self.sigma * np.sqrt((steps - 1) // self.period + 1.0)
        lower, upper = _normal_intervals(mean, sd, levels)
        return Forecast(mean=mean, levels=tuple(levels), lower=lower, upper=upper)


@dataclass(frozen=True)
class SeasonalNaive:
    """y_{T+h} = y_{T+h-m(k+1)}; period None picks default_seasonal_period(T) at fit time."""

    period: int | None = None
    name: str = SEASONAL_NAIVE

    def fit(self, y: ArrayLike) -> SeasonalNaiveFit:
        series = _as_series(y)
        m = self.period if self.period is not None else default_seasonal_period(len(series))
        if m < 1 or len(series) <= m:
            raise ValueError("Seasonal naive needs more than one season of data.")
        residuals = series[m:] - series[:-m]
        return SeasonalNaiveFit(
            last_season=series[-m:].copy(),
            period=m,
            sigma=float(np.sqrt(np.mean(residuals**2))),
        )


# --- 2. Simple exponential smoothing -----------------------------------------------------------


def ses_one_step_forecasts(y: FloatArray, alpha: float, initial_level: float) -> FloatArray:
    """The one-step forecasts l_0, l_1, ..., l_{T-1} and the final level l_T (length T + 1).

    l_t = alpha y_t + (1 - alpha) l_{t-1}: a first-order recursive filter, run by lfilter.
    """
    zi = np.array([(1.0 - alpha) * initial_level])
    levels, _ = signal.lfilter([alpha], [1.0, alpha - 1.0], y, zi=zi)
    return np.concatenate(([initial_level], levels))


def _ses_profile(y: FloatArray, alpha: float) -> tuple[float, float]:
    """The SSE-minimising initial level for this alpha, and the SSE there.

    The one-step forecast of y_t is (1-alpha)^(t-1) l_0 plus a term free of l_0, so the SSE
    is quadratic in l_0 and its minimiser has a closed form.
    """
    weights = (1.0 - alpha) ** np.arange(len(y))
    base_errors = y - ses_one_step_forecasts(y, alpha, 0.0)[:-1]
    denominator = float(weights @ weights)
    initial_level = float(weights @ base_errors) / denominator
    errors = base_errors - weights * initial_level
    return initial_level, float(errors @ errors)


@dataclass(frozen=True)
class ExponentialSmoothingFit:
    alpha: float
    initial_level: float
    # l_{t-1} for t = 1..T: the in-sample one-step forecasts.
    fitted: FloatArray
    level: float
    sse: float
    # sigma^2 = SSE / (T - 2): two parameters (alpha, l_0) estimated.
    sigma2: float

    def forecast(self, h: int, levels: Sequence[float] = DEFAULT_LEVELS) -> Forecast:
        _check_horizon(h, levels)
        mean = np.full(h, self.level)
        # FPP3 8.7, ETS(A,N,N): sigma_h^2 = sigma^2 [1 + alpha^2 (h - 1)].
        sd = np.sqrt(self.sigma2 * (1.0 + self.alpha**2 * np.arange(h)))
        lower, upper = _normal_intervals(mean, sd, levels)
        return Forecast(mean=mean, levels=tuple(levels), lower=lower, upper=upper)


@dataclass(frozen=True)
class ExponentialSmoothing:
    """SES; alpha in [0, 1] and l_0 both minimise the in-sample one-step SSE."""

    name: str = EXPONENTIAL_SMOOTHING

    def fit(self, y: ArrayLike) -> ExponentialSmoothingFit:
        series = _as_series(y)
        if len(series) < 3:
            raise ValueError("Exponential smoothing needs at least three observations.")
        # A coarse grid first (the SSE need not be unimodal in alpha), then Brent's bounded
        # search in the grid's best bracket.
        grid = np.linspace(0.0, 1.0, 21)
        sses = np.array([_ses_profile(series, float(a))[1] for a in grid])
        best = int(np.argmin(sses))
        bracket = (float(grid[max(best - 1, 0)]), float(grid[min(best + 1, len(grid) - 1)]))
        result = optimize.minimize_scalar(
            lambda a: _ses_profile(series, float(a))[1],
            bounds=bracket,
            method="bounded",
            options={"xatol": 1e-10},
        )
        alpha = float(result.x) if float(result.fun) <= sses[best] else float(grid[best])
        initial_level, sse = _ses_profile(series, alpha)
        path = ses_one_step_forecasts(series, alpha, initial_level)
        return ExponentialSmoothingFit(
            alpha=alpha,
            initial_level=initial_level,
            fitted=path[:-1],
            level=float(path[-1]),
            sse=sse,
            sigma2=sse / (len(series) - 2),
        )


# --- 3. Negative-binomial (NB2) regression ----------------------------------------------------


def nb_design(
    weeks: ArrayLike, fourier_pairs: int, period: float = SEASONAL_PERIOD_WEEKS
) -> FloatArray:
    """Columns: 1, t / 52 (trend in years), then sin and cos(2 pi k t / period), k = 1..K."""
    t = np.asarray(weeks, dtype=np.float64)
    columns = [np.ones_like(t), t / WEEKS_PER_YEAR]
    for k in range(1, fourier_pairs + 1):
        angle = 2.0 * np.pi * k * t / period
        columns += [np.sin(angle), np.cos(angle)]
    return np.column_stack(columns)


def _rising_sums(y: FloatArray, r: float) -> tuple[float, float, float]:
    """Sum over observations of log Gamma(y+r) - log Gamma(r) and its first two r-derivatives.

    Written as the finite sums sum_{j<y} log(r+j), 1/(r+j), -1/(r+j)^2 (y are whole counts),
    which stay exact where gammaln(y+r) - gammaln(r) cancels catastrophically (large r).
    """
    counts = y.astype(np.int64)
    total = int(counts.sum())
    if total == 0:
        return 0.0, 0.0, 0.0
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    offsets = np.arange(total) - starts
    terms = r + offsets
    return float(np.log(terms).sum()), float((1.0 / terms).sum()), float(-(terms**-2.0).sum())


def nb2_loglike_derivatives(
    params: FloatArray, X: FloatArray, y: FloatArray
) -> tuple[float, FloatArray, FloatArray]:
    """NB2 log-likelihood, gradient and Hessian in (beta, log alpha).

    mu = exp(X beta), Var y = mu + alpha mu^2, r = 1/alpha;
    l = sum lnG(y+r) - lnG(r) - lnG(y+1) - r log(1 + mu/r) + y log(mu/(r+mu)).
    """
    beta, log_alpha = params[:-1], float(params[-1])
    r = float(np.exp(-log_alpha))
    eta = X @ beta
    mu = np.exp(eta)
    r_mu = r + mu
    rising, rising_d1, rising_d2 = _rising_sums(y, r)
    loglike = (
        rising
        - float(special.gammaln(y + 1.0).sum())
        - r * float(np.log1p(mu / r).sum())
        + float((y * (eta - np.log(r_mu))).sum())
    )
    # Derivatives in eta_i and r, then the chain rule to log alpha (dr/dlog alpha = -r).
    d_eta = r * (y - mu) / r_mu
    d_r = rising_d1 - float(np.log1p(mu / r).sum()) + float(((mu - y) / r_mu).sum())
    d_eta2 = -r * mu * (y + r) / r_mu**2
    d_r2 = rising_d2 + float((1.0 / r - 1.0 / r_mu).sum()) - float(((mu - y) / r_mu**2).sum())
    d_eta_r = mu * (y - mu) / r_mu**2

    p = len(params)
    gradient = np.empty(p)
    gradient[:-1] = X.T @ d_eta
    gradient[-1] = -r * d_r
    hessian = np.empty((p, p))
    hessian[:-1, :-1] = (X * d_eta2[:, None]).T @ X
    hessian[:-1, -1] = hessian[-1, :-1] = -r * (X.T @ d_eta_r)
    hessian[-1, -1] = r * r * d_r2 + r * d_r
    return loglike, gradient, hessian


def fit_poisson(X: FloatArray, y: FloatArray) -> FloatArray:
    """Poisson regression coefficients by Newton's method (the log-likelihood is concave)."""
    start, *_ = np.linalg.lstsq(X, np.log(y + 0.5), rcond=None)
    beta: FloatArray = np.asarray(start, dtype=np.float64)

    def loglike(b: FloatArray) -> float:
        eta = X @ b
        return float(y @ eta - np.exp(eta).sum())

    current = loglike(beta)
    for _ in range(100):
        mu = np.exp(X @ beta)
        step = np.linalg.solve((X * mu[:, None]).T @ X, X.T @ (y - mu))
        # Halve the step until the likelihood does not fall (it rarely has to).
        for _ in range(30):
            candidate = loglike(beta + step)
            if candidate >= current - 1e-12:
                break
            step /= 2
        beta, current = beta + step, candidate
        if np.abs(step).max() < 1e-12:
            break
    return beta


def fit_nb2(X: FloatArray, y: FloatArray) -> tuple[FloatArray, float, float]:
    """Maximum likelihood (beta, alpha, log-likelihood); alpha is estimated, never fixed.

    From the Poisson fit: when its residuals show no overdispersion, sum((y-mu)^2 - y) <= 0,
    the NB2 score in alpha at alpha = 0 is not positive and the maximum is on the Poisson
    boundary (alpha reported as MIN_DISPERSION). Otherwise Newton's method with a trust region
    (scipy's trust-exact) on the exact Hessian, from the Poisson coefficients and the moment
    estimate of alpha.
    """
    beta0 = fit_poisson(X, y)
    mu0 = np.exp(X @ beta0)
    excess = float(((y - mu0) ** 2 - y).sum())
    if excess <= 0:
        boundary = np.append(beta0, np.log(MIN_DISPERSION))
        return beta0, MIN_DISPERSION, nb2_loglike_derivatives(boundary, X, y)[0]
    alpha0 = float(np.clip(excess / (mu0**2).sum(), 1e-3, 10.0))
    start = np.append(beta0, np.log(alpha0))
    cache: dict[bytes, tuple[float, FloatArray, FloatArray]] = {}

    def derivatives(params: FloatArray) -> tuple[float, FloatArray, FloatArray]:
        bounded = params.copy()
        bounded[-1] = np.clip(bounded[-1], np.log(MIN_DISPERSION), np.log(MAX_DISPERSION))
        key = bounded.tobytes()
        if key not in cache:
            cache.clear()
            cache[key] = nb2_loglike_derivatives(bounded, X, y)
        return cache[key]

    result = optimize.minimize(
        lambda p: -derivatives(p)[0],
        start,
        jac=lambda p: -derivatives(p)[1],
        hess=lambda p: -derivatives(p)[2],
        method="trust-exact",
        options={"gtol": 1e-9, "maxiter": 200},
    )
    params = np.asarray(result.x, dtype=np.float64)
    alpha = float(np.clip(np.exp(params[-1]), MIN_DISPERSION, MAX_DISPERSION))
    return params[:-1], alpha, float(-result.fun)


@dataclass(frozen=True)
class NegativeBinomialFit:
    coefficients: FloatArray
    # NB2 dispersion: Var y = mu + dispersion * mu^2 (estimated; 0 would be Poisson).
    dispersion: float
    loglike: float
    fourier_pairs: int
    n_weeks: int

    def forecast(self, h: int, levels: Sequence[float] = DEFAULT_LEVELS) -> Forecast:
        _check_horizon(h, levels)
        future = nb_design(np.arange(self.n_weeks, self.n_weeks + h), self.fourier_pairs)
        mean = np.exp(future @ self.coefficients)
        # Quantiles of NB(mean, dispersion) at the estimates: parameter uncertainty is ignored.
        size = 1.0 / self.dispersion
        prob = size / (size + mean)
        tails = (1.0 - np.asarray(levels, dtype=np.float64)) / 2
        lower = stats.nbinom.ppf(tails[:, None], size, prob[None, :])
        upper = stats.nbinom.ppf(1.0 - tails[:, None], size, prob[None, :])
        return Forecast(
            mean=mean,
            levels=tuple(levels),
            lower=np.asarray(lower, dtype=np.float64),
            upper=np.asarray(upper, dtype=np.float64),
        )


@dataclass(frozen=True)
class NegativeBinomialRegression:
    """log mu_t = b0 + b1 t/52 + sum_k (s_k sin + c_k cos)(2 pi k t / 52.18); NB2 errors."""

    fourier_pairs: int = DEFAULT_FOURIER_PAIRS
    name: str = NEGATIVE_BINOMIAL

    def fit(self, y: ArrayLike) -> NegativeBinomialFit:
        series = _as_series(y)
        if not np.array_equal(series, np.round(series)):
            raise ValueError("The negative-binomial model needs whole counts.")
        X = nb_design(np.arange(len(series)), self.fourier_pairs)
        if len(series) < X.shape[1] + 3:
            raise ValueError("Too few weeks for the negative-binomial regression.")
        if series.sum() == 0:
            # The MLE of the intercept is -infinity: every forecast is 0, dispersion undefined.
            coefficients = np.zeros(X.shape[1])
            coefficients[0] = -np.inf
            return NegativeBinomialFit(coefficients, MIN_DISPERSION, 0.0, self.fourier_pairs, 0)
        coefficients, dispersion, loglike = fit_nb2(X, series)
        return NegativeBinomialFit(
            coefficients=coefficients,
            dispersion=dispersion,
            loglike=loglike,
            fourier_pairs=self.fourier_pairs,
            n_weeks=len(series),
        )


def fourier_pairs_for(min_train: int) -> int:
    """K = 2 annual harmonics when even the shortest backtest window holds a full year of
    data, else none (trend only): a harmonic fitted to part of a year extrapolates wildly."""
    return DEFAULT_FOURIER_PAIRS if min_train >= WEEKS_PER_YEAR else 0


def default_models(length: int, min_train: int) -> tuple[CountModel, ...]:
    """The three candidates, configured once for the series, so that the backtest judges the
    very models that then forecast."""
    return (
        SeasonalNaive(period=default_seasonal_period(length)),
        ExponentialSmoothing(),
        NegativeBinomialRegression(fourier_pairs=fourier_pairs_for(min_train)),
    )


# --- Accuracy ----------------------------------------------------------------------------------


def mase_scale(train: ArrayLike, period: int) -> float:
    """Mean |y_t - y_{t-m}| over the training part (Hyndman & Koehler 2006).

    Falls back to the lag-1 scale when that is 0, and to 1 (count units) when both are 0.
    The scale is shared by every model at an origin, so a fallback never reorders models there.
    """
    series = _as_series(train)
    for lag in (period, 1):
        if len(series) > lag:
            scale = float(np.mean(np.abs(series[lag:] - series[:-lag])))
            if scale > 0:
                return scale
    return 1.0


@dataclass(frozen=True)
class BacktestRow:
    model: str
    metric: str
    value: float


@dataclass(frozen=True)
class ModelBacktest:
    model: str
    # Mean over origins and horizons of |error| / scale.
    mase: float
    # mase / mase of seasonal naive: seasonal naive is 1 by construction, < 1 beats it.
    relative_mase: float
    mae: float
    mase_by_horizon: FloatArray
    # Share of (origin, horizon) test weeks inside the interval, one per level.
    coverage: FloatArray
    n_origins: int


def backtest_origins(length: int, h: int, min_train: int, step: int) -> NDArray[np.int64]:
    """Training lengths n = min_train, min_train + step, ... <= T - h (test weeks n..n+h-1)."""
    if step < 1 or min_train < 1:
        raise ValueError("The step and the minimum training length must be positive.")
    return np.arange(min_train, length - h + 1, step, dtype=np.int64)


def cross_validate(
    y: ArrayLike,
    models: Sequence[CountModel],
    *,
    h: int,
    min_train: int,
    step: int = 1,
    period: int,
    levels: Sequence[float] = DEFAULT_LEVELS,
) -> tuple[ModelBacktest, ...]:
    """Rolling-origin evaluation: at each origin every model is refitted and forecasts h ahead."""
    series = _as_series(y)
    origins = backtest_origins(len(series), h, min_train, step)
    if len(origins) == 0:
        raise ValueError("The series is too short for one backtest origin.")
    scales = np.array([mase_scale(series[:n], period) for n in origins])
    actual = series[origins[:, None] + np.arange(h)[None, :]]
    results = []
    for model in models:
        forecasts = [model.fit(series[:n]).forecast(h, levels) for n in origins]
        mean = np.array([f.mean for f in forecasts])
        lower = np.array([f.lower for f in forecasts])
        upper = np.array([f.upper for f in forecasts])
        abs_errors = np.abs(actual - mean)
        scaled = abs_errors / scales[:, None]
        inside = (lower <= actual[:, None, :]) & (actual[:, None, :] <= upper)
        results.append(
            ModelBacktest(
                model=model.name,
                mase=float(scaled.mean()),
                relative_mase=np.nan,
                mae=float(abs_errors.mean()),
                mase_by_horizon=scaled.mean(axis=0),
                coverage=inside.mean(axis=(0, 2)),
                n_origins=len(origins),
            )
        )
    reference = next((r.mase for r in results if r.model == SEASONAL_NAIVE), np.nan)
    return tuple(
        ModelBacktest(
            model=r.model,
            mase=r.mase,
            relative_mase=r.mase / reference if reference > 0 else np.nan,
            mae=r.mae,
            mase_by_horizon=r.mase_by_horizon,
            coverage=r.coverage,
            n_origins=r.n_origins,
        )
        for r in results
    )


@dataclass(frozen=True)
class CountForecast:
    """The chosen model's forecast for the next h weeks and the backtest that chose it."""

    chosen_model: str
    forecast: Forecast
    backtest: tuple[ModelBacktest, ...]
    # NB2 dispersion alpha of the negative-binomial fit on the full series, whichever is chosen.
    nb_dispersion: float
    seasonal_period: int
    rows: tuple[BacktestRow, ...]

    def backtest_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["model", "metric", "value"])
        writer.writerows((row.model, row.metric, repr(row.value)) for row in self.rows)
        return buffer.getvalue()


def _backtest_rows(
    backtest: Sequence[ModelBacktest], levels: Sequence[float], nb_dispersion: float
) -> tuple[BacktestRow, ...]:
    rows = []
    for result in backtest:
        rows += [
            BacktestRow(result.model, "mase", result.mase),
            BacktestRow(result.model, "relative_mase", result.relative_mase),
            BacktestRow(result.model, "mae", result.mae),
        ]
        rows += [
            BacktestRow(result.model, f"coverage_{round(level * 100)}", float(cover))
            for level, cover in zip(levels, result.coverage, strict=True)
        ]
        rows += [
            BacktestRow(result.model, f"mase_h{step}", float(value))
            for step, value in enumerate(result.mase_by_horizon, start=1)
        ]
        rows.append(BacktestRow(result.model, "n_origins", float(result.n_origins)))
        if result.model == NEGATIVE_BINOMIAL:
            rows.append(BacktestRow(result.model, "dispersion_alpha", nb_dispersion))
    return tuple(rows)


def default_min_train(period: int) -> int:
    """Two seasons (and at least 26 weeks) of training before the first origin."""
    return max(2 * period, 26)


def forecast_counts(
    y: ArrayLike,
    *,
    h: int = 8,
    levels: Sequence[float] = DEFAULT_LEVELS,
    min_train: int | None = None,
    step: int = 1,
    models: Sequence[CountModel] | None = None,
) -> CountForecast:
    """Backtest the candidates, pick the lowest MASE (ties: the earlier, simpler model), refit
    it on the whole series and forecast the next h weeks."""
    series = _as_series(y)
    period = default_seasonal_period(len(series))
    first_origin = min_train if min_train is not None else default_min_train(period)
    candidates = tuple(models) if models is not None else default_models(len(series), first_origin)
    backtest = cross_validate(
        series, candidates, h=h, min_train=first_origin, step=step, period=period, levels=levels
    )
    chosen_index = int(np.argmin([result.mase for result in backtest]))
    chosen = candidates[chosen_index]
    nb_fit = NegativeBinomialRegression(fourier_pairs=fourier_pairs_for(first_origin)).fit(series)
    return CountForecast(
        chosen_model=chosen.name,
        forecast=chosen.fit(series).forecast(h, levels),
        backtest=backtest,
        nb_dispersion=nb_fit.dispersion,
        seasonal_period=period,
        rows=_backtest_rows(backtest, levels, nb_fit.dispersion),
    )


# --- Pooling sparse areas ----------------------------------------------------------------------


@dataclass(frozen=True)
class PooledSeries:
    """The series to forecast, keyed (area, group), and which districts were pooled where."""

    series: dict[tuple[str, str], FloatArray]
    # (OTHER_DISTRICTS or WHOLE_MUNICIPALITY, group) -> the districts pooled into it.
    pooled: dict[tuple[str, str], tuple[str, ...]]


def pool_sparse_districts(
    series: Mapping[tuple[str, str], ArrayLike], *, min_mean_weekly: float = 1.0
) -> PooledSeries:
    """Pool every (district, group) series whose mean weekly count is below the threshold.

    Within a group, the sparse districts are summed into (OTHER_DISTRICTS, group). When that
    sum is itself below the threshold, or only one district was sparse (its "pool" would be the
    district itself), the group is forecast for the whole municipality instead: the sum of all
    its districts, under (WHOLE_MUNICIPALITY, group), with the dense districts kept as well.
    """
    arrays = {key: _as_series(values) for key, values in series.items()}
    if len({len(values) for values in arrays.values()}) > 1:
        raise ValueError("Every series must cover the same weeks.")
    kept: dict[tuple[str, str], FloatArray] = {}
    pooled: dict[tuple[str, str], tuple[str, ...]] = {}
    for group in sorted({group for _, group in arrays}):
        members = sorted((d, v) for (d, g), v in arrays.items() if g == group)
        sparse = [(d, v) for d, v in members if v.mean() < min_mean_weekly]
        kept.update({(d, group): v for d, v in members if v.mean() >= min_mean_weekly})
        if not sparse:
            continue
        pool = np.sum([v for _, v in sparse], axis=0)
        names = tuple(d for d, _ in sparse)
        if len(sparse) > 1 and pool.mean() >= min_mean_weekly:
            kept[(OTHER_DISTRICTS, group)] = pool
            pooled[(OTHER_DISTRICTS, group)] = names
        else:
            kept[(WHOLE_MUNICIPALITY, group)] = np.sum([v for _, v in members], axis=0)
            pooled[(WHOLE_MUNICIPALITY, group)] = names
    return PooledSeries(series=kept, pooled=pooled)
