"""Municipal sign policy: what counts as coverage, how many signs, where.

A :class:`Policy` is loaded from a TOML file (see ``planner/core/presets/*.toml``
for complete examples). Landsmeer's rule is the default: a ward that already
has signs (placed or planned) gets no extra signs; otherwise signs are placed
at its entry roads.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from planner.errors import InputError

# Dutch road class names live in planner.core.vocabulary (one word table for every output).

DEFAULT_CLASS_WEIGHTS = {
    "trunk": 5.0,
    "primary": 5.0,
    "secondary": 4.0,
    "tertiary": 3.0,
    "unclassified": 2.0,
    "residential": 2.0,
    "living_street": 1.0,
    "service": 0.5,
}


@dataclass(frozen=True)
class Policy:
    """The knobs of a municipality's sign rule.

    Attributes
    ----------
    name : str
        Preset or file name, shown in reports.
    description : str
        One Dutch sentence describing the rule.
    max_signs : int
        At most this many signs per ward.
    min_signs_for_coverage : int
        A ward with at least this many counted signs is covered.
    coverage_statuses : tuple of str
        Sign statuses that count as coverage (``placed``, ``planned``).
    registration_required : bool
        Only groups registered with Stichting WABP qualify.
    class_weights : dict
        Road classes that count as entries, with their weight.
    merge_distance, inset, boundary_clearance, cover_radius, min_spacing, wish_road_distance : float
        Metres: entries closer than ``merge_distance`` on one road are one
        entry; candidates stand at least ``inset`` along the road from the
        entry and at least ``boundary_clearance`` from the ward boundary; a
        position covers entries within ``cover_radius``; chosen signs are at
        least ``min_spacing`` apart; an admin's wish must be within
        ``wish_road_distance`` of a counted road.
    """

    name: str = "landsmeer"
    description: str = (
        "Hangen er in de wijk al borden, dan komen er geen borden bij; anders plaatst de "
        "gemeente borden in overleg met de beheerder en mag ze die later verplaatsen."
    )
    max_signs: int = 2
    min_signs_for_coverage: int = 1
    coverage_statuses: tuple[str, ...] = ("placed", "planned")
    registration_required: bool = False
    class_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_CLASS_WEIGHTS))
    merge_distance: float = 40.0
    inset: float = 15.0
    boundary_clearance: float = 10.0
    cover_radius: float = 150.0
    min_spacing: float = 100.0
    wish_road_distance: float = 25.0

    def __post_init__(self):
        problems = check_settings(self)
        if problems:
            raise InputError(f"beleid {self.name}: " + "; ".join(problems))
        object.__setattr__(self, "coverage_statuses", tuple(self.coverage_statuses))

    def replace(self, **changes) -> "Policy":
        """A copy with some settings changed."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


MAX_SIGNS = 50             # signs per ward: more is no sign policy but a typo (and would not fit in memory)
MAX_DISTANCE = 10_000.0    # metres: every distance setting; a ward is not larger than a few kilometres
MAX_CLASS_WEIGHT = 1_000.0  # road class weights: sums must stay exact

DISTANCES = ("merge_distance", "inset", "boundary_clearance", "cover_radius", "min_spacing",
             "wish_road_distance")
STATUSES = ("placed", "planned")


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_settings(policy: "Policy") -> list[str]:
    """Every violation in a policy's settings, one Dutch sentence each naming the key.

    Sign counts are whole numbers from 1 to :data:`MAX_SIGNS` with
    ``min_signs_for_coverage <= max_signs``; distances finite, not negative
    and at most :data:`MAX_DISTANCE` metres; booleans real booleans
    (``"nee"`` is an error, not true); texts texts; ``coverage_statuses`` a
    non-empty list of ``placed``/``planned``; ``class_weights`` a table of
    positive numbers of at most :data:`MAX_CLASS_WEIGHT`.
    """
    import math
    problems = []
    for key in ("name", "description"):
        if not isinstance(getattr(policy, key), str):
            problems.append(f"{key} moet tekst zijn")
    counts_ok = True
    for key in ("max_signs", "min_signs_for_coverage"):
        value = getattr(policy, key)
        if not (isinstance(value, int) and not isinstance(value, bool)) or value < 1:
            problems.append(f"{key} moet een geheel getal van minstens 1 zijn (kreeg {value!r})")
            counts_ok = False
        elif value > MAX_SIGNS:
            problems.append(f"{key} mag hoogstens {MAX_SIGNS} zijn (borden per wijk; kreeg {value})")
            counts_ok = False
    if counts_ok and policy.min_signs_for_coverage > policy.max_signs:
        problems.append(f"min_signs_for_coverage ({policy.min_signs_for_coverage}) mag niet groter zijn dan "
                        f"max_signs ({policy.max_signs}): de wijk zou nooit gedekt raken")
    statuses = policy.coverage_statuses
    if isinstance(statuses, str) or not isinstance(statuses, list | tuple) or not statuses:
        problems.append(f"coverage_statuses moet een lijst zijn met placed en/of planned (kreeg {statuses!r})")
    else:
        bad = [s for s in statuses if s not in STATUSES]
        if bad:
            problems.append(f"coverage_statuses: onbekende status {', '.join(map(repr, bad))} "
                            "(kies placed en/of planned)")
    if not isinstance(policy.registration_required, bool):
        problems.append(f"registration_required moet true of false zijn (kreeg {policy.registration_required!r})")
    for key in DISTANCES:
        value = getattr(policy, key)
        if not _is_number(value) or not math.isfinite(value) or value < 0:
            problems.append(f"{key} moet een eindig getal van 0 of meer (meters) zijn (kreeg {value!r})")
        elif value > MAX_DISTANCE:
            problems.append(f"{key} mag hoogstens {MAX_DISTANCE:,.0f} m zijn (kreeg {value:g})".replace(",", "."))
    weights = policy.class_weights
    if not isinstance(weights, dict) or not weights:
        problems.append(f"class_weights moet een tabel zijn van wegklasse = gewicht (kreeg {weights!r})")
    else:
        bad = [str(k) for k, w in weights.items() if not _is_number(w) or not math.isfinite(w) or w <= 0]
        if bad:
            problems.append(f"class_weights: gewicht van {', '.join(bad)} moet een positief getal zijn")
        big = [str(k) for k, w in weights.items() if _is_number(w) and math.isfinite(w) and w > MAX_CLASS_WEIGHT]
        if big:
            problems.append(f"class_weights: gewicht van {', '.join(big)} mag hoogstens {MAX_CLASS_WEIGHT:g} zijn")
    return problems


def from_dict(data: dict, *, name: str = "custom") -> Policy:
    """Build a policy from a dict (e.g. parsed TOML), rejecting unknown keys."""
    data = dict(data)
    base = data.pop("preset", None)
    if base is not None and not isinstance(base, str):
        raise InputError(f"beleid {name}: preset moet de naam van een preset zijn (kreeg {base!r})")
    policy = preset(base) if base else Policy()
    known = {f.name for f in dataclasses.fields(Policy)}
    unknown = set(data) - known
    if unknown:
        raise InputError(f"beleid {name}: onbekende instelling(en) {', '.join(sorted(unknown))}")
    data.setdefault("name", name)
    try:
        return policy.replace(**data)
    except TypeError as exc:
        raise InputError(f"beleid {name}: {exc}") from exc


def load_policy(path) -> Policy:
    """Load a policy from a TOML file (keys as in :class:`Policy`).

    A ``preset = "noordwijk"`` key starts from that preset.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: beleidsbestand bestaat niet")
    if not path.is_file():
        raise InputError(f"{path}: is geen bestand; geef een TOML-bestand of een presetnaam")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: beleidsbestand niet leesbaar ({exc.strerror})") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: geen geldig TOML ({exc})") from exc
    return from_dict(data, name=path.stem)


def preset_names() -> list[str]:
    """Names of the bundled presets."""
    files = resources.files("planner.core").joinpath("presets")
    return sorted(p.name.removesuffix(".toml") for p in files.iterdir() if p.name.endswith(".toml"))


def preset(name: str) -> Policy:
    """A bundled preset by municipality name (``landsmeer``, ``noordwijk``, ...)."""
    key = name.strip().lower()
    if key not in preset_names():
        raise InputError(f"onbekend beleid {name!r}; kies uit: {', '.join(preset_names())}")
    text = resources.files("planner.core").joinpath("presets", f"{key}.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    if "preset" in data:
        raise InputError(f"preset {key} mag zelf geen preset noemen")
    return Policy().replace(**{"name": key, **data})


def resolve(spec: str | None) -> Policy:
    """A policy from a preset name or a TOML path; Landsmeer when None."""
    if not spec:
        return preset("landsmeer")
    if spec.lower().endswith(".toml") or Path(spec).exists():
        return load_policy(spec)
    return preset(spec)
