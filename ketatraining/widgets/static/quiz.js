// The quiz widget's front-end (an anywidget ES module; no build step, no network).
//
// It renders real form controls from the public view of each question only. Trainer
// text arrives as HTML already sanitized once in the kernel (nh3) and is inserted as
// is; every other string (labels, scores, save state) is set as text, never as HTML.
// Feedback and explanations appear only when the kernel sends a checked answer.

let views = 0;

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key === "html") el.innerHTML = value; // sanitized in the kernel, see above
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) if (child) el.append(child);
  return el;
}

function fill(template, values) {
  return String(template || "").replace(/\{(\w+)\}/g, (_, k) => String(values[k] ?? ""));
}

// Plain text of sanitized HTML (for <option>, which cannot hold markup); DOMParser
// documents run no scripts and load no images.
function textOf(html) {
  return new DOMParser().parseFromString(String(html), "text/html").body.textContent.trim();
}

function now() {
  return performance.now();
}

function render({ model, el }) {
  const uid = `kt${(views++).toString(36)}${Math.random().toString(36).slice(2, 7)}`;
  const T = () => model.get("texts") || {};
  const root = h("section", { class: "kt-quiz", "aria-labelledby": `${uid}-title`,
    "data-lm-suppress-shortcuts": "true" });
  // JupyterLab's notebook shortcuts (arrows move between cells, digits make headings)
  // listen on the document: keys pressed in the quiz stop here, after the quiz's own
  // handlers, and keep their native meaning (arrows choose a radio, Space ticks a box).
  root.addEventListener("keydown", (event) => event.stopPropagation());
  el.classList.add("kt-quiz-host");
  el.append(root);

  let parts = {};       // question id -> elements and helpers of the current round
  let shown = {};       // question id -> when it was first shown or focused (ms)
  let pending = null;   // question id whose Check this view sent and awaits
  let observer = null;
  let retrying = false; // a new attempt was asked for: its questions start empty
  const listeners = [];

  function on(name, fn) {
    model.on(name, fn);
    listeners.push([name, fn]);
  }

  function markShown(id) {
    if (!(id in shown)) shown[id] = now();
  }

  function attemptSeconds() {
    const times = Object.values(shown);
    return times.length ? (now() - Math.min(...times)) / 1000 : null;
  }

  // -- controls per question type ----------------------------------------------------
  function choiceControls(q, base, kind) {
    const box = h("div", { class: "kt-options" });
    const inputs = [];
    for (const option of q.data.options || []) {
      const input = h("input", { type: kind, name: base, value: option.id, class: "kt-input" });
      inputs.push(input);
      box.append(h("label", { class: "kt-option" }, input,
        h("span", { class: "kt-option-text", html: option.html })));
    }
    if (kind === "checkbox") {
      // Arrow keys move between the boxes of one question, as they do between radios.
      box.addEventListener("keydown", (event) => {
        const at = inputs.indexOf(event.target);
        if (at < 0) return;
        const step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[event.key];
        if (!step) return;
        event.preventDefault();
        inputs[(at + step + inputs.length) % inputs.length].focus();
      });
    }
    const value = () => {
      if (kind === "checkbox") return inputs.filter((i) => i.checked).map((i) => i.value);
      const chosen = inputs.find((i) => i.checked);
      if (!chosen) return null;
      return q.type === "true_false" ? chosen.value === "true" : chosen.value;
    };
    const show = (response) => {
      const wanted = Array.isArray(response) ? response.map(String) : [String(response)];
      for (const input of inputs) input.checked = wanted.includes(input.value);
    };
    return { el: box, value, show, first: () => inputs[0] };
  }

  function textControl(q, base, number) {
    const id = `${base}-input`;
    const units = number && q.data.units ? q.data.units : "";
    const input = h("input", {
      type: "text", id, class: "kt-input kt-text-input", autocomplete: "off", spellcheck: "false",
      inputmode: number ? "decimal" : null,
      placeholder: number ? T().number_placeholder : null,
      "aria-describedby": units ? `${base}-units` : null,
    });
    const row = h("div", { class: number ? "kt-number" : "kt-short" },
      h("label", { for: id, class: "kt-input-label", text: T().your_answer }),
      h("span", { class: "kt-input-row" }, input,
        units ? h("span", { class: "kt-units", id: `${base}-units`, text: units }) : null));
    const value = () => input.value;
    const show = (response) => { input.value = response === null ? "" : String(response); };
    return { el: row, value, show, first: () => input };
  }

  function matchingControls(q, base) {
    const box = h("div", { class: "kt-matching" });
    const selects = [];
    (q.data.items || []).forEach((item, i) => {
      const id = `${base}-m${i}`;
      const select = h("select", { id, class: "kt-input kt-select", "data-item": item.id },
        h("option", { value: "", text: T().choose }));
      for (const answer of q.data.answers || []) {
        select.append(h("option", { value: answer.id, text: textOf(answer.html) }));
      }
      selects.push(select);
      box.append(h("div", { class: "kt-match-row" },
        h("label", { for: id, class: "kt-match-item", html: item.html }), select));
    });
    const value = () => {
      const chosen = {};
      for (const s of selects) if (s.value) chosen[s.dataset.item] = s.value;
      return chosen;
    };
    const show = (response) => {
      for (const s of selects) s.value = (response || {})[s.dataset.item] || "";
    };
    return { el: box, value, show, first: () => selects[0] };
  }

  function orderingControls(q, base) {
    const list = h("ol", { class: "kt-steps" });
    const status = h("p", { class: "kt-order-status", role: "status", "aria-live": "polite" });
    const total = (q.data.steps || []).length;
    const items = () => Array.from(list.children);
    function move(li, by, button) {
      const all = items();
      const to = all.indexOf(li) + by;
      if (to < 0 || to >= all.length) return;
      if (by < 0) list.insertBefore(li, all[to]);
      else list.insertBefore(li, all[to].nextSibling);
      refresh();
      const position = items().indexOf(li) + 1;
      status.textContent = fill(T().moved, { step: li.dataset.text, position, total });
      const again = button.disabled ? li.querySelector(by < 0 ? ".kt-move-down" : ".kt-move-up")
        : button;
      again.focus();
    }
    function refresh() {
      items().forEach((li, i) => {
        li.querySelector(".kt-move-up").disabled = i === 0;
        li.querySelector(".kt-move-down").disabled = i === total - 1;
      });
    }
    for (const step of q.data.steps || []) {
      const text = textOf(step.html);
      const li = h("li", { class: "kt-step", "data-step": step.id, "data-text": text });
      // Short names; the step is their description (look A11: with the step in each
      // button's name, every step's text was read three times).
      const stepId = `${base}-step-${step.id}`;
      const up = h("button", { type: "button", class: "kt-move kt-move-up",
        "aria-describedby": stepId, text: T().move_up });
      const down = h("button", { type: "button", class: "kt-move kt-move-down",
        "aria-describedby": stepId, text: T().move_down });
      up.addEventListener("click", () => move(li, -1, up));
      down.addEventListener("click", () => move(li, 1, down));
      li.append(h("span", { class: "kt-step-text", id: stepId, html: step.html }),
        h("span", { class: "kt-step-buttons" }, up, down));
      list.append(li);
    }
    refresh();
    const value = () => items().map((li) => li.dataset.step);
    const show = (response) => {
      status.textContent = ""; // a move said before Check is no longer news (look A4)
      for (const id of response || []) {
        const li = items().find((x) => x.dataset.step === id);
        if (li) list.append(li);
      }
      refresh();
    };
    return { el: h("div", { class: "kt-ordering" }, list, status), value, show,
      first: () => list.querySelector("button:not([disabled])") };
  }

  // The control comes from the question type's ``control`` (QuestionView.control), so a new
  // type that fits an existing control needs no change here.
  function controlsFor(q, base) {
    switch (q.control) {
      case "radio":
        return choiceControls(q, base, "radio");
      case "checkbox":
        return choiceControls(q, base, "checkbox");
      case "number":
        return textControl(q, base, true);
      case "text":
        return textControl(q, base, false);
      case "matching":
        return matchingControls(q, base);
      case "ordering":
        return orderingControls(q, base);
      default:
        return { el: h("p", { text: q.type }), value: () => null, show: () => {}, first: () => null };
    }
  }

  // -- one question ----------------------------------------------------------------------
  function questionEl(q, total) {
    const base = `${uid}-q${q.number}`;
    const controls = controlsFor(q, base);
    const legend = h("legend", { class: "kt-legend", id: `${base}-legend`, tabindex: "-1",
      text: fill(T().question, { number: q.number, total }) });
    const check = h("button", { type: "button", class: "kt-check", text: T().check,
      "aria-describedby": `${base}-legend` });
    const fieldset = h("fieldset", { class: "kt-fieldset", "aria-describedby": `${base}-prompt` },
      legend, h("div", { class: "kt-prompt", id: `${base}-prompt`, html: q.prompt_html }),
      controls.el, check);
    // One announcement each (WAI-ARIA: a focused element is read; a live region is read
    // when it changes; both on the same text read it twice). A refusal ("Please choose an
    // answer first.") is announced by its live area while focus stays on the control; the
    // feedback after Check is announced by moving focus to it, so it is not live.
    const message = h("div", { class: "kt-message-area", "aria-live": "polite" });
    const feedback = h("div", { class: "kt-feedback" });
    const explanation = h("div", { class: "kt-explanation" });
    const live = h("div", { class: "kt-live", tabindex: "-1", id: `${base}-live` },
      message, feedback, explanation);
    const wrap = h("div", { class: `kt-question kt-type-${q.type}`, "data-question": q.id },
      fieldset, live);

    const send = () => {
      if (fieldset.disabled || check.getAttribute("aria-disabled") === "true") return;
      markShown(q.id);
      pending = q.id;
      check.setAttribute("aria-disabled", "true");
      check.textContent = T().checking;
      model.send({
        type: "check", round: model.get("round"), question_id: q.id,
        response: controls.value(),
        seconds: (now() - shown[q.id]) / 1000, attempt_seconds: attemptSeconds(),
      });
    };
    check.addEventListener("click", send);
    fieldset.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || event.target === check) return;
      if (event.target.matches("input, select")) {
        event.preventDefault();
        send();
      }
    });
    fieldset.addEventListener("focusin", () => markShown(q.id));
    return { q, wrap, fieldset, legend, check, controls, live, message, feedback, explanation,
      done: false, said: 0 };
  }

  // -- the whole quiz -------------------------------------------------------------------
  function build() {
    if (observer) observer.disconnect();
    parts = {};
    shown = {};
    pending = null;
    const quiz = model.get("quiz") || {};
    const questions = model.get("questions") || [];
    root.replaceChildren();
    root.append(h("h3", { class: "kt-quiz-title", id: `${uid}-title`, text: quiz.title || "" }));
    if (quiz.description_html) {
      root.append(h("div", { class: "kt-description", html: quiz.description_html }));
    }
    root.append(h("p", { class: "kt-intro", text: model.get("intro") }));
    root.append(h("p", { class: "kt-save", role: "status" }));
    root.append(h("p", { class: "kt-notice", role: "status", tabindex: "-1" }));
    const list = h("div", { class: "kt-questions" });
    for (const q of questions) {
      const part = questionEl(q, questions.length);
      parts[q.id] = part;
      list.append(part.wrap);
    }
    root.append(list);
    const retry = h("button", { type: "button", class: "kt-retry", text: T().retry, hidden: true });
    retry.addEventListener("click", () => {
      retrying = true;
      model.send({ type: "retry" });
    });
    root.append(h("div", { class: "kt-summary" },
      h("p", { class: "kt-score", "aria-live": "polite" }),
      h("p", { class: "kt-result", "aria-live": "polite" }), retry));
    if ("IntersectionObserver" in window) {
      observer = new IntersectionObserver((entries) => {
        for (const entry of entries) {
          if (entry.isIntersecting) markShown(entry.target.dataset.question);
        }
      });
      for (const part of Object.values(parts)) observer.observe(part.wrap);
    } else {
      for (const id of Object.keys(parts)) markShown(id);
    }
    dropRepeatedTitle();
    updateSave();
    updateNotice();
    updateChecked();
    updateMessages();
    updateSummary();
  }

  // A title that repeats the section heading just above the quiz is said once: the
  // quiz keeps it as its accessible name only. (The page is laid out after render.)
  function dropRepeatedTitle(tries = 60) {
    if (!root.isConnected) {
      if (tries > 0) requestAnimationFrame(() => dropRepeatedTitle(tries - 1));
      return;
    }
    const title = root.querySelector(".kt-quiz-title");
    if (!title) return;
    let above = null;
    for (const heading of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
      if (heading === title || root.contains(heading)) break;
      if (heading.compareDocumentPosition(root) & Node.DOCUMENT_POSITION_FOLLOWING) {
        above = heading;
      }
    }
    const words = (node) => node.textContent.replace(/[\s¶#]+$/u, "").trim().toLowerCase();
    if (above && words(above) === words(title)) {
      root.removeAttribute("aria-labelledby");
      root.setAttribute("aria-label", title.textContent);
      title.remove();
    }
  }

  function updateSave() {
    const save = model.get("save") || {};
    const box = root.querySelector(".kt-save");
    if (!box) return;
    box.textContent = save.text || "";
    box.dataset.state = save.state || "";
  }

  function updateNotice() {
    const box = root.querySelector(".kt-notice");
    if (box) {
      box.textContent = model.get("notice") || "";
      box.hidden = !box.textContent;
    }
  }

  function updateChecked() {
    const checked = model.get("checked") || {};
    for (const [id, result] of Object.entries(checked)) {
      const part = parts[id];
      if (!part || part.done) continue;
      part.done = true;
      part.controls.show(result.response);
      part.message.replaceChildren();
      part.feedback.innerHTML = result.feedback_html; // sanitized in the kernel
      part.feedback.dataset.verdict = result.verdict;
      part.explanation.innerHTML = result.explanation_html; // sanitized in the kernel
      part.fieldset.disabled = true;
      part.check.removeAttribute("aria-disabled");
      part.check.textContent = T().check;
      part.wrap.classList.add("kt-answered");
      part.live.classList.add("kt-filled");
      if (pending === id) {
        pending = null;
        part.live.focus();
      }
    }
  }

  function updateMessages() {
    const messages = model.get("messages") || {};
    for (const [id, part] of Object.entries(parts)) {
      const said = messages[id];
      if (!said || said.n === part.said || part.done) continue;
      part.said = said.n;
      part.check.removeAttribute("aria-disabled");
      part.check.textContent = T().check;
      part.message.replaceChildren(h("p", { class: `kt-message kt-${said.kind}`, text: said.text }));
      part.live.classList.add("kt-filled");
      if (pending === id) pending = null;
    }
  }

  function updateSummary() {
    const score = root.querySelector(".kt-score");
    const result = root.querySelector(".kt-result");
    const retry = root.querySelector(".kt-retry");
    if (!score) return;
    score.textContent = model.get("score") || "";
    result.textContent = model.get("result") || "";
    retry.hidden = !model.get("finished");
  }

  // The kernel redraws a page it reopened from the store (see QuizWidget._reopen); what the
  // learner already chose, and a Check on its way, stay on the redrawn questions.
  function unfinishedAnswers() {
    const kept = {};
    for (const [id, part] of Object.entries(parts)) {
      if (!part.done) kept[id] = part.controls.value();
    }
    return kept;
  }

  function restore(kept, waiting, times) {
    for (const [id, at] of Object.entries(times)) {
      if (parts[id]) shown[id] = Math.min(at, shown[id] ?? at); // time on task goes on
    }
    for (const [id, value] of Object.entries(kept)) {
      const part = parts[id];
      if (!part || part.done || value === null || value === "") continue;
      part.controls.show(value);
    }
    const part = waiting && parts[waiting];
    if (part && !part.done) {
      pending = waiting;
      part.check.setAttribute("aria-disabled", "true");
      part.check.textContent = T().checking;
    }
  }

  function rebuild() {
    // After "Try again" the button is hidden (the attempt is no longer finished) before
    // the new round arrives, so focus has fallen to the page: bring it back all the same.
    const focusWasInside = retrying || root.contains(document.activeElement);
    const kept = retrying ? {} : unfinishedAnswers();
    const waiting = retrying ? null : pending;
    const times = retrying ? {} : { ...shown };
    retrying = false;
    build();
    restore(kept, waiting, times);
    if (focusWasInside) {
      const first = Object.values(parts)[0];
      if (first) first.legend.focus();
      else root.querySelector(".kt-notice")?.focus();
    }
  }

  on("change:round", rebuild);
  on("change:checked", updateChecked);
  on("change:messages", updateMessages);
  on("change:save", updateSave);
  on("change:notice", updateNotice);
  on("change:score", updateSummary);
  on("change:result", updateSummary);
  on("change:finished", updateSummary);
  build();

  return () => {
    if (observer) observer.disconnect();
    for (const [name, fn] of listeners) model.off(name, fn);
  };
}

export default { render };
