"""Recognise Bedrock's "this model needs an inference profile" error, and nothing else.

Bedrock refuses a bare model ID for profile-only models with a `ValidationException`:

> Invocation of model ID anthropic.claude-3-7-sonnet-20250219-v1:0 with on-demand
> throughput isn\u2019t supported. Retry your request with the ID or ARN of an inference
> profile that contains this model.

It arrives as a botocore `ClientError` before a stream starts, as an
`EventStreamError` (code `validationException`, lowerCamel) in the middle of one, or
wrapped in one of this package's `LLMError`s. Detection needs **both** a validation
error code and the phrase. The phrase match survives apostrophe variants (U+2019, `'`,
mis-decoded bytes such as `isnâ€™t`), casing and whitespace, and knows the older
wording "The provided model doesn't support on-demand throughput." It does not fire
on other errors that mention profiles or on-demand throughput: invalid identifiers,
capability, sampling, access, end-of-life, throttling and model errors, nor on
messages that point at Provisioned Throughput rather than a profile.

Example:
    >>> from botocore.exceptions import ClientError
    >>> err = ClientError(
    ...     {"Error": {"Code": "ValidationException", "Message": (
    ...         "Invocation of model ID amazon.nova-pro-v1:0 with on-demand throughput "
    ...         "isn't supported. Retry your request with the ID or ARN of an inference "
    ...         "profile that contains this model.")}},
    ...     "Converse",
    ... )
    >>> detector = ProfileRequirementDetector()
    >>> detector.is_profile_requirement_error(err), detector.extract_model_id(err)
    (True, 'amazon.nova-pro-v1:0')
"""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from dataclasses import dataclass

from botocore.exceptions import ClientError

from langchain_bedrock_enhanced.errors import LLMError, ProfileRequirementError, iter_causes

__all__ = ["ProfileRequirementDetector"]

logger = logging.getLogger(__name__)


_VALIDATION_CODES = frozenset({"validationexception", "validation"})
_INVALID_IDENTIFIER = "the provided model identifier is invalid"

# Apostrophe look-alikes and the mojibake of U+2019: its UTF-8 bytes E2 80 99 decoded
# as cp1252 ("â€™") or latin-1 ("â\x80\x99"), plus escapes left in logged JSON.
_APOSTROPHES = re.compile(
    "\u00e2\u20ac\u2122"  # U+2019 as UTF-8 read as cp1252: "isnâ€™t"
    "|\u00e2\u20ac\u02dc"  # U+2018 likewise
    "|\u00e2\x80\x99|\u00e2\x80\x98"  # the same bytes read as latin-1
    r"|\\u2019|\\u2018|\\'"  # JSON or repr escapes left in a logged message
    "|[\u2019\u2018\u02bc\u02b9`\u00b4\u2032\uff07\ufffd]",
    re.IGNORECASE,  # an upper-cased message turns "â€™" into "Â€™"
)
_DASHES = re.compile(r"[\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d]")
_SPACES = re.compile(r"\s+")

_NOT = r"(?:isn'?t|is\s+not|not|doesn'?t|does\s+not|won'?t|cannot|can'?t)"
_ON_DEMAND = r"on[-\s]?demand(?:\s+throughput)?"
# The current wording and the older ones, on normalised (lower-cased) text.
_REQUIREMENT_PATTERNS = (
    # Today's wording: the model ID "with on-demand throughput isn't supported".
    re.compile(rf"{_ON_DEMAND}\s+{_NOT}\s+(?:be\s+)?supported"),
    # The 2024 wording: the provided model "doesn't support on-demand throughput".
    re.compile(rf"{_NOT}\s+support\s+{_ON_DEMAND}"),
    # The advice sentence: retry with the ID or ARN of an inference profile.
    re.compile(
        r"retry\s+(?:your|the)\s+request\s+with\s+the\s+id\s+or\s+arn\s+of\s+an\s+inference\s+profile"
    ),
)
_PROVISIONED = re.compile(r"provisioned\s+throughput|provisioned\s+model")
_INFERENCE_PROFILE = re.compile(r"inference[-\s]profile")

_MODEL_ID = re.compile(
    r"invocation\s+of\s+model\s+id\s+['\"]?(?P<model_id>[^\s'\"]+?)['\"]?\s+with\s+on[-\s]?demand",
    re.IGNORECASE,
)
# botocore's str(ClientError): "An error occurred (Code) when calling the Op operation...: msg"
_BOTOCORE_TEXT = re.compile(
    r"An error occurred \((?P<code>[^)]*)\) when calling the \w+ operation"
    r"(?: \(reached max retries: \d+\))?: (?P<message>.*)",
    re.DOTALL,
)


@dataclass(frozen=True)
class _Found:
    """The validation code and message of the Bedrock error behind an exception."""

    code: str | None
    message: str
    is_ours: bool = False


def normalise_message(text: str) -> str:
    """Fold a Bedrock error message into a form that the patterns can match.

    Unicode is NFKC-normalised, HTML entities are decoded, apostrophe variants
    (including mis-decoded bytes) become `'`, dash variants become `-`, whitespace is
    collapsed and the text is lower-cased.

    Args:
        text: A raw error message.

    Returns:
        The normalised text.

    Example:
        >>> normalise_message("On-Demand Throughput ISNâ€™T  supported")
        "on-demand throughput isn't supported"
    """
    # Lower-case first: entity names are case-sensitive ("&RSQUO;" from an upper-cased
    # message only unescapes as "&rsquo;").
    text = html.unescape(_APOSTROPHES.sub("'", text.lower()))
    text = _APOSTROPHES.sub("'", unicodedata.normalize("NFKC", text))
    text = _DASHES.sub("-", text)
    return _SPACES.sub(" ", text).strip().lower()


class ProfileRequirementDetector:
    """Classify errors: does this one mean "use an inference profile"?

    Stateless and thread-safe; one instance can serve every model.

    Example:
        >>> from botocore.exceptions import ClientError
        >>> throttled = ClientError(
        ...     {"Error": {"Code": "ThrottlingException", "Message": "Too many requests"}},
        ...     "Converse",
        ... )
        >>> ProfileRequirementDetector().is_profile_requirement_error(throttled)
        False
    """

    def is_profile_requirement_error(
        self, error: BaseException | None, *, log: bool = True
    ) -> bool:
        """Whether `error` says the model needs an inference profile.

        Recognised forms: a botocore `ClientError` (code `ValidationException`), an
        `EventStreamError` (code `validationException`), this package's `LLMError`
        whose cause is one of those (or that carries the code itself), a
        `ProfileRequirementError`, and any exception whose text is botocore's
        `An error occurred (ValidationException) ...` format. A positive detection
        is logged at WARNING.

        Args:
            error: The exception to classify; `None` gives `False`.
            log: Log a positive detection at WARNING (turn off when the same
                error was already reported).

        Returns:
            `True` only for the profile requirement.

        Example:
            >>> ProfileRequirementDetector().is_profile_requirement_error(ValueError("x"))
            False
        """
        found = _find(error)
        if found is None or not _is_requirement(found):
            return False
        if not log:
            return True
        logger.warning(
            "Bedrock requires an inference profile for model %s: on-demand throughput "
            "is not supported (%s).",
            _model_id_in(found) or "?",
            type(error).__name__,
        )
        return True

    def extract_model_id(self, error: BaseException | None) -> str | None:
        """The model ID named in a profile-requirement message, if any.

        Args:
            error: The exception to inspect.

        Returns:
            The ID exactly as Bedrock echoed it, or `None` when the error is not a
            profile requirement or names no model.

        Example:
            >>> err = ProfileRequirementError(model_id="amazon.nova-pro-v1:0", region="eu-west-1")
            >>> ProfileRequirementDetector().extract_model_id(err)
            'amazon.nova-pro-v1:0'
        """
        found = _find(error)
        if found is None or not _is_requirement(found):
            return None
        if found.is_ours and isinstance(error, ProfileRequirementError) and error.model_id:
            return error.model_id
        return _model_id_in(found)

    def is_invalid_model_identifier_error(self, error: BaseException | None) -> bool:
        """Whether `error` is Bedrock's "The provided model identifier is invalid.".

        Bedrock answers this when a profile prefix is not offered in the caller's
        region. A guessed profile that gets this answer should give way to the next
        candidate (see `AccessMethodSelector.get_fallback_access_methods`).

        Args:
            error: The exception to classify.

        Returns:
            `True` for a validation error with that message.

        Example:
            >>> from botocore.exceptions import ClientError
            >>> err = ClientError({"Error": {"Code": "ValidationException",
            ...     "Message": "The provided model identifier is invalid."}}, "Converse")
            >>> ProfileRequirementDetector().is_invalid_model_identifier_error(err)
            True
        """
        found = _find(error)
        return (
            found is not None
            and not found.is_ours
            and _is_validation(found.code)
            and _INVALID_IDENTIFIER in normalise_message(found.message)
        )


def _is_validation(code: str | None) -> bool:
    return code is not None and code.strip().lower() in _VALIDATION_CODES


def _is_requirement(found: _Found) -> bool:
    if found.is_ours:
        return True
    if not _is_validation(found.code):
        return False
    text = normalise_message(found.message)
    if not any(pattern.search(text) for pattern in _REQUIREMENT_PATTERNS):
        return False
    # "... isn't supported; use Provisioned Throughput" is a different condition: no
    # inference profile will help, so it must not trigger a profile fallback.
    return not (_PROVISIONED.search(text) and not _INFERENCE_PROFILE.search(text))


def _model_id_in(found: _Found) -> str | None:
    # Normalised like the detection text, but with the case kept: IDs are case-sensitive.
    text = unicodedata.normalize("NFKC", _APOSTROPHES.sub("'", found.message))
    match = _MODEL_ID.search(_SPACES.sub(" ", _DASHES.sub("-", text)))
    return match.group("model_id").rstrip(".,;:") if match else None


def _find(error: BaseException | None) -> _Found | None:
    """The Bedrock code and message behind `error`, following its chain of causes."""
    fallback: _Found | None = None
    for current in iter_causes(error):
        if isinstance(current, ProfileRequirementError):
            return _Found(current.error_code, current.message, is_ours=True)
        if isinstance(current, ClientError):
            details = current.response.get("Error", {})
            return _Found(
                str(details.get("Code") or "") or None,
                str(details.get("Message") or details.get("message") or ""),
            )
        if isinstance(current, LLMError) and fallback is None and current.error_code:
            # Keep looking for the botocore original; use ours if the chain was cut
            # (e.g. the error was pickled across processes).
            fallback = _Found(current.error_code, current.message)
        elif fallback is None:
            match = _BOTOCORE_TEXT.search(str(current))
            if match:
                fallback = _Found(match.group("code"), match.group("message"))
    return fallback
