"""Hand-made passages for the answer tests with real-looking guideline and research passages.

Documents are whole texts; passages are exact slices of them, so offsets behave as they do
in the index (``doc_text[chunk.start:chunk.end] == chunk.text``).
"""

from __future__ import annotations

import hashlib

from curbside.types import Chunk, DocMeta, Hit

KNEE_GUIDELINE = DocMeta(
    doc_id="corpus:acr_knee_oa_2019", title="Management of Osteoarthritis of the Hand, Hip, and Knee",
    source="corpus", tier="guideline", organization="ACR/AF", year=2019, doi="10.1002/art.41142",
)
KNEE_GUIDELINE_TEXT = (
    "# Knee osteoarthritis: injected therapies\n\n"
    "## Stem cell injections\n\n"
    "Stem cell injections are strongly recommended against in patients with knee osteoarthritis (Strong). "
    "The panel noted a lack of standardization of available preparations "
    "and the heterogeneity of techniques used.\n\n"
    "## Intra-articular glucocorticoids\n\n"
    "Intra-articular glucocorticoid injections are strongly recommended for patients with knee "
    "osteoarthritis (Strong). Ultrasound guidance is conditionally recommended when glucocorticoids "
    "are injected (Conditional).\n"
)
REVIEW_A = DocMeta(
    doc_id="pubmed:1001",
    title="Stem cell injections for knee osteoarthritis: a systematic review of randomized trials",
    source="pubmed", tier="systematic_review", journal="BMJ Open", year=2023, pmid="1001",
)
REVIEW_A_TEXT = (
    "Background: Knee osteoarthritis is a common cause of disability. "
    "Results: Stem cell injections may slightly improve pain and function up to six months after treatment. "
    "Stem cell injections were associated with a low risk of serious adverse events. "
    "Mesenchymal stem cells exert anti-inflammatory and immunomodulatory effects "
    "through paracrine signalling."
)
REVIEW_B = DocMeta(
    doc_id="pubmed:1002", title="Mesenchymal stem cells in knee osteoarthritis: a meta-analysis",
    source="pubmed", tier="systematic_review", journal="Knee", year=2022, pmid="1002",
)
REVIEW_B_TEXT = (
    "Stem cell injections may slightly improve pain and function up to six months after the treatment. "
    "No significant adverse events were observed in the <script>alert(1)</script> stem cell groups."
)


def make_chunk(doc: DocMeta, doc_text: str, start: int, end: int) -> Chunk:
    text = doc_text[start:end]
    return Chunk(
        chunk_id=hashlib.sha1(f"{doc.doc_id}:{text}".encode()).hexdigest()[:16], doc_id=doc.doc_id, text=text,
        start=start, end=end, tier=doc.tier, section_path=("Section",),
    )


def make_hit(doc: DocMeta, doc_text: str, start: int, end: int, score: float) -> Hit:
    pool = "guideline" if doc.tier == "guideline" else "research"
    return Hit(chunk=make_chunk(doc, doc_text, start, end), doc=doc, score=score, pool=pool)


def seed_hits() -> tuple[list[Hit], list[Hit]]:
    split = KNEE_GUIDELINE_TEXT.index("## Intra-articular")
    guideline = [
        make_hit(KNEE_GUIDELINE, KNEE_GUIDELINE_TEXT, 0, split, 0.9),
        make_hit(KNEE_GUIDELINE, KNEE_GUIDELINE_TEXT, split, len(KNEE_GUIDELINE_TEXT), 0.5),
    ]
    research = [
        make_hit(REVIEW_A, REVIEW_A_TEXT, 0, len(REVIEW_A_TEXT), 0.8),
        make_hit(REVIEW_B, REVIEW_B_TEXT, 0, len(REVIEW_B_TEXT), 0.7),
    ]
    return guideline, research
