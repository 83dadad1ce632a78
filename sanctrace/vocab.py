"""CBV 2.0 and GS1 sensor vocabularies: every spelling the standard allows, normalised to one web URI.

A CBV value may be written four ways; all mean the same term:

    shipping                                    bare word (EPCIS 2.0 JSON-LD, via the standard @context)
    urn:epcglobal:cbv:bizstep:shipping          URN (EPCIS 1.x, still allowed in XML)
    cbv:BizStep-shipping                        CURIE (XML and JSON-LD with the `cbv` prefix)
    https://ref.gs1.org/cbv/BizStep-shipping    web URI: the canonical form

Sensor measurement and alert types live in the GS1 Web Vocabulary: `Temperature`, `gs1:Temperature` ->
`https://gs1.org/voc/Temperature`. Units of measure are UN/CEFACT codes, kept as written.

A bare word must be a term of the kind's vocabulary (`InvalidVocabulary` otherwise). A CBV URN, CURIE or
web URI must name one of the kind's terms too (its `BizStep-`, `Disp-`... prefix read case-insensitively:
GS1's own sensor example writes `Bizstep-`). Any other URI is a user vocabulary
value and is kept as written; so is a `gs1:` CURIE of a sensor vocabulary, expanded (the GS1 Web
Vocabulary is larger than the lists EPCIS contexts carry). The term lists below are transcribed from the
CBV 2.0 standard and the EPCIS 2.0 JSON-LD context.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sanctrace.errors import InvalidVocabulary

CBV_NAMESPACE = "https://ref.gs1.org/cbv/"
GS1_VOC_NAMESPACE = "https://gs1.org/voc/"
CURIE_PREFIXES = {"cbv:": CBV_NAMESPACE, "gs1:": GS1_VOC_NAMESPACE}

BIZ_STEPS = tuple(
    """accepting arriving assembling collecting commissioning consigning creating_class_instance
    cycle_counting decommissioning departing destroying disassembling dispensing encoding entering_exiting
    holding inspecting installing killing loading other packing picking receiving removing repackaging
    repairing replacing reserving retail_selling sampling sensor_reporting shipping staging_outbound
    stock_taking stocking storing transporting unloading unpacking void_shipping""".split()
)
DISPOSITIONS = tuple(
    """active available completeness_inferred completeness_verified conformant container_closed
    container_open damaged destroyed dispensed disposed encoded expired in_progress in_transit inactive
    mismatch_class mismatch_instance mismatch_quantity needs_replacement no_pedigree_match non_conformant
    non_sellable_other partially_dispensed recalled reserved retail_sold returned sellable_accessible
    sellable_not_accessible stolen unavailable unknown""".split()
)
BIZ_TRANSACTION_TYPES = tuple(
    "bol cert desadv inv pedigree po poc prodorder recadv rma testprd testres upevt".split()
)
SOURCE_DEST_TYPES = ("owning_party", "possessing_party", "location")
ERROR_REASONS = ("did_not_occur", "incorrect_data")
COMPONENTS = tuple(
    """x y z axial_distance azimuth height spherical_radius polar_angle elevation_angle easting northing
    latitude longitude altitude""".split()
)
MEASUREMENT_TYPES = tuple(
    """AbsoluteHumidity AbsorbedDose AbsorbedDoseRate Acceleration Radioactivity Altitude AmountOfSubstance
    AmountOfSubstancePerUnitVolume Angle AngularAcceleration AngularMomentum AngularVelocity Area Capacitance
    Conductance Conductivity Count Density Dimensionless DoseEquivalent DoseEquivalentRate DynamicViscosity
    ElectricCharge ElectricCurrent ElectricCurrentDensity ElectricFieldStrength Energy Exposure Force
    Frequency Illuminance Inductance Irradiance KinematicViscosity Length LinearMomentum Luminance
    LuminousFlux LuminousIntensity MagneticFlux MagneticFluxDensity MagneticVectorPotential Mass
    MassConcentration MassFlowRate MassPerAreaTime MemoryCapacity MolalityOfSolute MolarEnergy MolarMass
    MolarVolume Power Pressure RadiantFlux RadiantIntensity RelativeHumidity Resistance Resistivity
    SolidAngle SpecificVolume Speed SurfaceDensity SurfaceTension Temperature Time Torque Voltage Volume
    VolumeFlowRate VolumeFraction VolumetricFlux Wavenumber""".split()
)
SENSOR_ALERT_TYPES = ("ALARM_CONDITION", "ERROR_CONDITION")


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """One kind of vocabulary value: its terms and how each spelling of a term is built."""

    kind: str
    namespace: str  # web URI namespace
    term_prefix: str  # "BizStep-" in https://ref.gs1.org/cbv/BizStep-shipping; "" for the GS1 Web Vocabulary
    urn_prefix: str | None  # EPCIS 1.x URN form, when the kind has one
    terms: frozenset[str]

    def web_uri(self, term: str) -> str:
        return self.namespace + self.term_prefix + term


def _cbv(kind: str, term_prefix: str, urn_word: str | None, terms: tuple[str, ...]) -> Vocabulary:
    urn_prefix = f"urn:epcglobal:cbv:{urn_word}:" if urn_word else None
    return Vocabulary(kind, CBV_NAMESPACE, term_prefix, urn_prefix, frozenset(terms))


VOCABULARIES = {
    v.kind: v
    for v in (
        _cbv("bizStep", "BizStep-", "bizstep", BIZ_STEPS),
        _cbv("disposition", "Disp-", "disp", DISPOSITIONS),
        _cbv("bizTransactionType", "BTT-", "btt", BIZ_TRANSACTION_TYPES),
        _cbv("sourceDestType", "SDT-", "sdt", SOURCE_DEST_TYPES),
        _cbv("errorReason", "ER-", "er", ERROR_REASONS),
        _cbv("component", "Comp-", None, COMPONENTS),
        Vocabulary("measurementType", GS1_VOC_NAMESPACE, "", None, frozenset(MEASUREMENT_TYPES)),
        Vocabulary("sensorAlertType", GS1_VOC_NAMESPACE, "", None, frozenset(SENSOR_ALERT_TYPES)),
    )
}
UOM = "uom"
KINDS = (*VOCABULARIES, UOM)
"""Every kind `canonical_cbv` accepts; `uom` values (UN/CEFACT Rec. 20 codes) are kept as written."""


def _vocabulary(kind: str) -> Vocabulary:
    try:
        return VOCABULARIES[kind]
    except KeyError:
        expected = ", ".join(KINDS)
        raise InvalidVocabulary(f"unknown vocabulary kind {kind!r}; expected one of {expected}") from None


def expand_curie(value: str) -> str:
    """`cbv:X` / `gs1:X` -> the full URI; any other value unchanged."""
    for prefix, namespace in CURIE_PREFIXES.items():
        if value.startswith(prefix):
            return namespace + value[len(prefix):]
    return value


_URN_TO_WEB = {v.urn_prefix: v.web_uri("") for v in VOCABULARIES.values() if v.urn_prefix}


def expand_cbv(value: str) -> str:
    """A CBV URN or a `cbv:` / `gs1:` CURIE -> its web URI, term unchecked; any other value unchanged."""
    if value.startswith("urn:epcglobal:cbv:"):
        for urn_prefix, web_prefix in _URN_TO_WEB.items():
            if value.startswith(urn_prefix):
                return web_prefix + value[len(urn_prefix):]
        return value
    return expand_curie(value)


@lru_cache(maxsize=4096)
def canonical_cbv(kind: str, value: str) -> str:
    """The canonical web URI of a vocabulary value written in any allowed spelling (user URIs unchanged)."""
    text = value.strip()
    if kind == UOM:
        return text
    vocabulary = _vocabulary(kind)
    if ":" not in text:
        if text in vocabulary.terms:
            return vocabulary.web_uri(text)
        raise _not_a_term(vocabulary, value)
    uri = expand_cbv(text)
    if vocabulary.namespace != CBV_NAMESPACE or not uri.startswith(CBV_NAMESPACE):
        return uri  # a user vocabulary, or the open-ended GS1 Web Vocabulary: kept
    name = uri[len(CBV_NAMESPACE):]
    kind_prefix, term = name[: len(vocabulary.term_prefix)], name[len(vocabulary.term_prefix):]
    if kind_prefix.lower() != vocabulary.term_prefix.lower() or term not in vocabulary.terms:
        raise _not_a_term(vocabulary, value)
    return vocabulary.web_uri(term)  # "Bizstep-" (as in a GS1 example) read as "BizStep-"


def _not_a_term(vocabulary: Vocabulary, value: str) -> InvalidVocabulary:
    example = min(vocabulary.terms)
    forms = [f"bare word {example!r}"]
    if vocabulary.urn_prefix:
        forms.append(f"URN {vocabulary.urn_prefix + example!r}")
    curie_prefix = "cbv:" if vocabulary.namespace == CBV_NAMESPACE else "gs1:"
    forms.append(f"CURIE {curie_prefix + vocabulary.term_prefix + example!r}")
    forms.append(f"web URI {vocabulary.web_uri(example)!r}")
    return InvalidVocabulary(
        f"{value!r} is not a standard {vocabulary.kind}: write a term of the standard as a "
        f"{', '.join(forms)}; or use a URI of your own vocabulary"
    )


@lru_cache(maxsize=4096)
def short_cbv(kind: str, canonical: str) -> str:
    """The bare word of a canonical standard term (as EPCIS 2.0 JSON-LD writes it); other values unchanged."""
    if kind == UOM:
        return canonical
    vocabulary = _vocabulary(kind)
    own_namespace = vocabulary.namespace + vocabulary.term_prefix
    if canonical.startswith(own_namespace):
        term = canonical[len(own_namespace):]
        if term in vocabulary.terms:
            return term
    return canonical
