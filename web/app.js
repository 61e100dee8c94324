// Curbside web page: asks the API, renders answers from their JSON, opens cited passages.
// Every piece of corpus or user text is put on the page as a text node (never innerHTML), so markup
// inside a document shows as text instead of running.
"use strict";

(function () {
  const SESSION_KEY = "curbside.conversation_id"; // per tab: a shared ward computer forgets it on close
  const state = { conversationId: null, busy: false };

  const $ = (id) => document.getElementById(id);

  // Build an element; string children become text nodes, so callers cannot inject markup.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("data-")) node.setAttribute(key, String(value));
      else if (key === "onclick") node.addEventListener("click", value);
      else node.setAttribute(key, String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === "") continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function showStatus(message, kind) {
    const box = $("status");
    box.textContent = message || "";
    box.className = kind || "";
    box.hidden = !message;
  }

  function errorMessage(status, body) {
    const detail = body && body.detail;
    if (Array.isArray(detail) && detail.length) {
      return detail.map((d) => `${(d.loc || []).filter((p) => p !== "body").join(".")}: ${d.msg}`).join("; ");
    }
    if (typeof detail === "string") return detail;
    return `The server answered ${status}.`;
  }

  async function api(method, path, body) {
    const options = { method, headers: { Accept: "application/json" } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, options);
    } catch (err) {
      throw new Error("The Curbside server could not be reached.");
    }
    let data = null;
    try { data = await response.json(); } catch (err) { data = null; }
    if (!response.ok) {
      const error = new Error(errorMessage(response.status, data));
      error.status = response.status;
      throw error;
    }
    return { data, headers: response.headers };
  }

  // -- rendering an answer ------------------------------------------------------------------------

  function citationLink(citation) {
    return el("a", {
      class: "cite", href: "#passage", role: "button",
      "data-chunk-id": citation.chunk_id, "data-start": citation.start, "data-end": citation.end,
      "aria-label": `Open cited passage ${citation.ref}`,
      onclick: (event) => { event.preventDefault(); openPassage(citation); },
    }, `[${citation.ref}]`);
  }

  // The server sends each extract as a reader sees it (markup removed; a lead-in's list as items), the
  // same parts its own renderers show (answer/render_common.py: display_parts).
  function statementParts(statement) {
    const display = statement.display;
    if (display && typeof display.head === "string") return { head: display.head, items: display.items || [] };
    return { head: String(statement.text || ""), items: [] };
  }

  function statementItem(statement) {
    const strength = statement.recommendation && statement.recommendation.strength;
    const parts = statementParts(statement);
    return el("li", { class: "statement" },
      statement.lead ? el("span", { class: "lead" }, statement.lead, " ") : null,
      el("span", { class: "extract" }, parts.head),
      strength ? el("span", { class: "strength" }, ` (${strength})`) : null,
      " ",
      (statement.citations || []).map(citationLink),
      parts.items.length ? el("ul", { class: "items" }, parts.items.map((item) => el("li", {}, item))) : null);
  }

  function section(title, className, statements) {
    if (!statements || !statements.length) return null;
    return el("section", { class: `answer-section ${className}` },
      el("h3", {}, title), el("ul", {}, statements.map(statementItem)));
  }

  function titleCase(word) {
    return word ? word.charAt(0).toUpperCase() + word.slice(1) : "";
  }

  function referenceItem(reference) {
    const doc = reference.doc || {};
    // The server's display parts (schema 1.2); an older stored answer has only the raw fields.
    const shown = reference.display || {
      title: doc.title, source: [doc.organization || doc.journal, doc.year].filter(Boolean).join(" "),
    };
    return el("li", { id: `ref-${reference.number}`, value: reference.number },
      el("a", {
        class: "cite ref-link", href: "#passage", "data-chunk-id": reference.chunk_id,
        onclick: (event) => { event.preventDefault(); openPassage({ chunk_id: reference.chunk_id }); },
      }, shown.title || doc.doc_id || "Untitled"),
      shown.source ? ` — ${shown.source}` : "",
      shown.location ? el("span", { class: "ref-location" }, ` · ${shown.location}`) : null,
      doc.tier ? el("span", { class: "tier" }, ` [${doc.tier.replace(/_/g, " ")}]`) : null);
  }

  function renderAnswer(answer) {
    const body = el("div", { class: "answer" });
    if (answer.refused) {
      body.append(el("p", { class: "refusal" },
        answer.refusal_message || "Curbside found nothing relevant enough to answer this question."));
    }
    body.append(...[
      section("Bottom line", "bottom-line", answer.bottom_line),
      section("From the Guidelines", "guidelines", answer.guidelines),
    ].filter(Boolean));
    const research = (answer.research || []).filter((f) => f.statements && f.statements.length);
    if (research.length) {
      body.append(el("section", { class: "answer-section research" },
        el("h3", {}, "From the Research"),
        research.map((facet) => el("div", { class: "facet" },
          el("h4", {}, titleCase(facet.facet)), el("ul", {}, facet.statements.map(statementItem))))));
    }
    const note = section("Evidence note", "evidence-note", answer.evidence_note);
    if (note) body.append(note);
    if (answer.references && answer.references.length) {
      body.append(el("section", { class: "answer-section references" },
        el("h3", {}, "References"), el("ol", {}, answer.references.map(referenceItem))));
    }
    if (answer.possibly_related && answer.possibly_related.length) {
      body.append(el("section", { class: "answer-section related" },
        el("h3", {}, "Possibly related"),
        el("ul", {}, answer.possibly_related.map((doc) => el("li", {}, doc.title || doc.doc_id)))));
    }
    if (answer.disclaimer) body.append(el("p", { class: "disclaimer" }, answer.disclaimer));
    return body;
  }

  function renderTurn(question, answer, isFollowUp) {
    const interpreted = answer.interpreted_as;
    const turn = el("article", { class: "turn" },
      el("p", { class: "question" }, el("span", { class: "who" }, "Question: "), question),
      isFollowUp && interpreted && interpreted !== question
        ? el("p", { class: "interpreted" }, el("span", { class: "who" }, "Interpreted as: "), interpreted)
        : null,
      renderAnswer(answer));
    $("conversation").append(turn);
    turn.scrollIntoView({ block: "start", behavior: "smooth" });
  }

  // -- passages -------------------------------------------------------------------------------------

  async function openPassage(citation) {
    const params = citation.start !== undefined && citation.end !== undefined
      ? `?start=${encodeURIComponent(citation.start)}&end=${encodeURIComponent(citation.end)}` : "";
    try {
      const reply = await api("GET", `/v1/passages/${encodeURIComponent(citation.chunk_id)}${params}`);
      showPassage(reply.data);
    } catch (err) {
      showStatus(`The cited passage could not be opened: ${err.message}`, "error");
    }
  }

  function showPassage(passage) {
    const doc = passage.document || {};
    $("passage-title").textContent = doc.title || passage.doc_id;
    const meta = $("passage-meta");
    meta.replaceChildren();
    const fields = [
      ["Source", doc.organization || doc.journal || doc.source], ["Year", doc.year],
      ["Evidence", doc.tier && doc.tier.replace(/_/g, " ")], ["PMID", doc.pmid], ["DOI", doc.doi],
    ];
    for (const [label, value] of fields) {
      if (value) meta.append(el("dt", {}, label), el("dd", {}, String(value)));
    }
    if (doc.url) {
      meta.append(el("dt", {}, "Link"),
        el("dd", {}, el("a", { href: doc.url, target: "_blank", rel: "noopener noreferrer" }, doc.url)));
    }
    $("passage-section").textContent = (passage.section_path || []).join(" › ");
    const text = $("passage-text");
    const h = passage.highlight;
    text.replaceChildren(...(h ? [h.before, el("mark", {}, h.marked), h.after] : [passage.text]));
    $("passage").hidden = false;
    const mark = text.querySelector("mark");
    (mark || $("passage")).scrollIntoView({ block: "center", behavior: "smooth" });
  }

  // -- asking ---------------------------------------------------------------------------------------

  function setConversation(id) {
    state.conversationId = id;
    if (id) sessionStorage.setItem(SESSION_KEY, id); else sessionStorage.removeItem(SESSION_KEY);
    $("question-form").hidden = Boolean(id);
    $("followup-form").hidden = !id;
  }

  async function ask(textarea) {
    const question = textarea.value.trim();
    if (!question || state.busy) return;
    state.busy = true;
    document.body.classList.add("busy");
    showStatus("Searching the guidelines and research…", "info");
    const isFollowUp = Boolean(state.conversationId);
    const body = { question };
    if (isFollowUp) body.conversation_id = state.conversationId;
    try {
      const reply = await api("POST", "/v1/ask", body);
      showStatus("");
      renderTurn(question, reply.data, isFollowUp);
      // The body is the answer itself; which conversation it belongs to comes in a header.
      setConversation(reply.headers.get("X-Conversation-ID"));
      textarea.value = "";
      $("followup").focus();
    } catch (err) {
      if (err.status === 404 && isFollowUp) {
        setConversation(null);
        showStatus("This conversation has expired. Ask your question again to start a new one.", "error");
      } else {
        showStatus(`Sorry, this question could not be answered: ${err.message}`, "error");
      }
    } finally {
      state.busy = false;
      document.body.classList.remove("busy");
    }
  }

  function newConversation() {
    setConversation(null);
    $("conversation").replaceChildren();
    $("passage").hidden = true;
    showStatus("");
    $("question").value = "";
    $("question").focus();
  }

  async function restore() {
    const id = sessionStorage.getItem(SESSION_KEY);
    if (!id) return;
    try {
      const conversation = (await api("GET", `/v1/conversations/${encodeURIComponent(id)}`)).data;
      conversation.turns.forEach((turn, i) => {
        if (turn.answer) renderTurn(turn.question, turn.answer, i > 0);
      });
      setConversation(id);
    } catch (err) {
      setConversation(null);
    }
  }

  function submitOnEnter(textarea) {
    // Enter asks, Shift+Enter adds a line: the habit of chat boxes.
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        ask(textarea);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("question-form").addEventListener("submit", (e) => { e.preventDefault(); ask($("question")); });
    $("followup-form").addEventListener("submit", (e) => { e.preventDefault(); ask($("followup")); });
    submitOnEnter($("question"));
    submitOnEnter($("followup"));
    $("new-conversation").addEventListener("click", newConversation);
    $("passage-close").addEventListener("click", () => { $("passage").hidden = true; });
    restore();
  });
})();
