"""Answer: sentence selection, composition rules and renderers.

``compose`` (answer.compose) turns a RetrievalResult into an Answer whose statements are
verbatim extracts with character-span citations; ``render_text`` / ``render_html`` /
``answer_to_dict`` (answer.render) present it; ``verify_answer`` (answer.verify) checks that
every statement is found in the span it cites.
"""
