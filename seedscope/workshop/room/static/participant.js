// The participant's phone: follow the room's slide and rate signals.
//
// One EventSource stream brings the room's state the moment the presenter
// moves (no polling); a rating is one JSON POST, confirmed on screen when
// the server has stored it. Everything from the server is put on the page
// with textContent, never as HTML. The device is recognised by an HttpOnly
// cookie the page never sees: nothing in the URL speaks for this phone.
"use strict";

(() => {
  const app = document.getElementById("app");
  const MAX_COMMENT = Number(app.dataset.maxComment || 280);
  const params = new URLSearchParams(window.location.search);
  const code = (params.get("w") || "").trim();
  const $ = (id) => document.getElementById(id);
  const forms = new Map(); // signal key -> entry {element, signal, impact, likelihood, dirty}
  const mine = new Map(); // signal key -> the stored rating of this device
  let room = null;
  let skew = 0; // server clock minus this phone's clock, in ms
  let source = null;
  let retryDelay = 1000;

  // What tests and the room benchmark read: when each state was drawn, each rating confirmed.
  window.__room = { log: [] };
  const log = (kind, detail) => window.__room.log.push({ kind, at: Date.now(), ...detail });

  const keyOf = (signal) => `${signal.doc_id}\u0000${signal.position}`;

  // -- joining ------------------------------------------------------------------------
  function showJoin(problem) {
    $("room").hidden = true;
    $("join").hidden = false;
    $("join-problem").hidden = !problem;
    if (code) $("join-code").value = code;
  }

  if (!code) {
    showJoin(false);
    return;
  }

  // -- the stream ---------------------------------------------------------------------
  function connect() {
    source = new EventSource(`/api/events?w=${encodeURIComponent(code)}`);
    source.addEventListener("state", (event) => onState(JSON.parse(event.data)));
    source.addEventListener("mine", (event) => onMine(JSON.parse(event.data)));
    source.addEventListener("missing", () => {
      source.close();
      showJoin(true);
    });
    source.addEventListener("refused", (event) => {
      source.close();
      banner(JSON.parse(event.data).error);
    });
    source.onopen = () => {
      retryDelay = 1000;
      banner(null);
    };
    source.onerror = () => {
      banner("Reconnecting…");
      if (source.readyState === EventSource.CLOSED) {
        // the browser gave up (e.g. the server restarted mid-answer): try again ourselves
        setTimeout(connect, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 15000);
      }
    };
  }

  function banner(text) {
    const element = $("connection");
    element.hidden = !text;
    element.textContent = text || "";
  }

  // -- state --------------------------------------------------------------------------
  function onState(state) {
    if (state.gone) {
      showJoin(true);
      return;
    }
    room = state;
    if (state.now) skew = Date.parse(state.now) - Date.now();
    $("join").hidden = true;
    $("room").hidden = false;
    $("workshop-line").textContent = `Workshop ${state.code} · ${state.deck}`;
    const ended = state.status !== "open";
    $("ended").hidden = !ended;
    $("waiting").hidden = ended || state.stage !== "opening";
    $("closing").hidden = ended || state.stage !== "closing";

    const current = $("current");
    const wanted = !ended && state.signal ? keyOf(state.signal) : null;
    for (const child of [...current.children]) {
      if (child.dataset.key !== wanted) child.remove();
    }
    if (wanted) {
      const entry = entryFor(state.signal);
      if (entry.element.parentElement !== current) current.replaceChildren(entry.element);
    }

    const list = $("earlier-list");
    const earlier = ended ? [] : state.earlier;
    const keep = new Set(earlier.map(keyOf));
    for (const item of [...list.children]) {
      if (!keep.has(item.dataset.key)) item.remove();
    }
    for (const signal of earlier) {
      const key = keyOf(signal);
      let item = list.querySelector(`:scope > details[data-key="${CSS.escape(key)}"]`);
      if (!item) {
        item = document.createElement("details");
        item.className = "earlier";
        item.dataset.key = key;
        item.append(document.createElement("summary"));
        list.append(item);
      }
      const entry = entryFor(signal);
      if (entry.element.parentElement !== item) item.append(entry.element);
      summarise(item, signal);
    }
    $("earlier").hidden = earlier.length === 0;
    for (const [key, entry] of forms) {
      if (key !== wanted && !keep.has(key)) {
        entry.element.remove();
        forms.delete(key);
      }
    }
    document.body.dataset.index = String(state.index);
    document.body.dataset.stage = ended ? "ended" : state.stage;
    log("state", { index: state.index, stage: document.body.dataset.stage });
  }

  function onMine(ratings) {
    mine.clear();
    for (const rating of ratings) mine.set(keyOf(rating), rating);
    for (const entry of forms.values()) {
      if (!entry.dirty) showStored(entry);
    }
    for (const item of $("earlier-list").children) {
      const entry = forms.get(item.dataset.key);
      if (entry) summarise(item, entry.signal);
    }
  }

  function summarise(item, signal) {
    const rating = mine.get(keyOf(signal));
    const said = rating
      ? `your rating: impact ${rating.impact}, likelihood ${rating.likelihood}`
      : "not rated yet";
    item.querySelector("summary").textContent = `Signal ${signal.index + 1}: ${signal.name} (${said})`;
  }

  // -- one signal's card and form ------------------------------------------------------
  function entryFor(signal) {
    const key = keyOf(signal);
    let entry = forms.get(key);
    if (!entry) {
      entry = build(signal);
      forms.set(key, entry);
      showStored(entry);
    }
    entry.signal = signal;
    update(entry);
    return entry;
  }

  function build(signal) {
    const element = $("signal-template").content.firstElementChild.cloneNode(true);
    element.dataset.key = keyOf(signal);
    element.dataset.signal = `${signal.doc_id}:${signal.position}`;
    const entry = {
      element, signal, impact: null, likelihood: null, dirty: false, sending: false, shown: null,
    };
    for (const fieldset of element.querySelectorAll("fieldset.scale")) {
      const scale = fieldset.dataset.scale;
      const options = fieldset.querySelector(".options");
      for (let value = 1; value <= 5; value += 1) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = String(value);
        button.setAttribute("role", "radio");
        button.setAttribute("aria-checked", "false");
        button.dataset.testid = `${scale}-${value}`;
        button.addEventListener("click", () => {
          entry[scale] = value;
          entry.dirty = true;
          paint(entry);
        });
        options.append(button);
      }
    }
    const comment = element.querySelector("textarea.comment");
    comment.addEventListener("input", () => {
      entry.dirty = true;
      count(entry);
    });
    element.querySelector("form").addEventListener("submit", (event) => {
      event.preventDefault();
      send(entry);
    });
    return entry;
  }

  function update(entry) {
    const { element, signal } = entry;
    element.querySelector(".progress").textContent = `Signal ${signal.index + 1} of ${room.count}`;
    element.querySelector(".name").textContent = signal.name;
    const description = element.querySelector(".description");
    description.textContent = signal.description || "";
    description.hidden = !signal.description;
    const tenYear = element.querySelector(".ten-year");
    tenYear.querySelector("span").textContent = signal.ten_year || "";
    tenYear.hidden = !signal.ten_year;
    paint(entry);
  }

  function closed(entry) {
    if (entry.signal.voting !== "open") return true;
    return Boolean(entry.signal.closes_at) && deadline(entry) <= Date.now();
  }

  const deadline = (entry) => Date.parse(entry.signal.closes_at) - skew;

  function paint(entry) {
    const { element } = entry;
    const shut = closed(entry);
    for (const fieldset of element.querySelectorAll("fieldset.scale")) {
      for (const button of fieldset.querySelectorAll("button")) {
        button.setAttribute(
          "aria-checked",
          String(Number(button.textContent) === entry[fieldset.dataset.scale]),
        );
        button.disabled = shut;
      }
    }
    element.querySelector("textarea.comment").disabled = shut;
    const send = element.querySelector("button.send");
    send.disabled = shut || entry.sending;
    send.textContent = mine.has(keyOf(entry.signal)) ? "Update my rating" : "Send my rating";
    const timer = element.querySelector(".timer");
    timer.hidden = !entry.signal.closes_at || shut;
    if (!timer.hidden) {
      const left = Math.max(0, Math.ceil((deadline(entry) - Date.now()) / 1000));
      timer.textContent = `Voting closes in ${left} s`;
    }
    if (shut && !entry.sending) {
      const rating = mine.get(keyOf(entry.signal));
      status(
        entry,
        rating
          ? `Voting on this signal has closed. Your rating: impact ${rating.impact}, likelihood ${rating.likelihood}.`
          : "Voting on this signal has closed.",
        "closed",
      );
    }
    count(entry);
  }

  function count(entry) {
    const comment = entry.element.querySelector("textarea.comment");
    const counter = entry.element.querySelector(".counter");
    const over = comment.value.trim().length - MAX_COMMENT;
    counter.classList.toggle("over", over > 0);
    counter.textContent =
      over > 0
        ? `${over} character${over === 1 ? "" : "s"} too many (at most ${MAX_COMMENT})`
        : `${-over} characters left`;
  }

  function showStored(entry) {
    const rating = mine.get(keyOf(entry.signal));
    // nothing new (e.g. the echo of this tab's own rating): keep what the form says
    if (!rating || rating.updated_at === entry.shown) return;
    entry.shown = rating.updated_at;
    entry.impact = rating.impact;
    entry.likelihood = rating.likelihood;
    entry.element.querySelector("textarea.comment").value = rating.comment || "";
    paint(entry);
    if (!closed(entry)) {
      status(
        entry,
        `Your rating: impact ${rating.impact}, likelihood ${rating.likelihood}. You can change it.`,
        "stored",
      );
    }
  }

  function status(entry, text, kind) {
    const element = entry.element.querySelector(".status");
    element.textContent = text;
    element.className = `status ${kind}`;
    element.dataset.kind = kind;
  }

  async function send(entry) {
    const comment = entry.element.querySelector("textarea.comment").value;
    if (!entry.impact || !entry.likelihood) {
      status(entry, "Choose both an impact and a likelihood.", "error");
      return;
    }
    const length = comment.trim().length;
    if (length > MAX_COMMENT) {
      status(
        entry,
        `Comments can be at most ${MAX_COMMENT} characters (this one has ${length}); please shorten it.`,
        "error",
      );
      return;
    }
    const { signal } = entry;
    entry.sending = true;
    paint(entry);
    status(entry, "Sending…", "sending");
    const started = performance.now();
    try {
      const response = await fetch("/api/rate", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          workshop: room.workshop,
          doc_id: signal.doc_id,
          position: signal.position,
          impact: entry.impact,
          likelihood: entry.likelihood,
          comment: comment.trim() || null,
        }),
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        status(entry, body.error || "Your rating was not saved; try again.", "error");
        return;
      }
      mine.set(keyOf(signal), body.rating);
      entry.shown = body.rating.updated_at;
      entry.dirty = false;
      log("saved", { signal: `${signal.doc_id}:${signal.position}`, ms: performance.now() - started });
      const item = entry.element.closest("details.earlier");
      if (item) summarise(item, signal);
      status(entry, "Saved. You can change it until voting closes.", "saved");
    } catch (error) {
      status(entry, "Not sent: the connection dropped. Tap the button again.", "error");
    } finally {
      entry.sending = false;
      const kind = entry.element.querySelector(".status").dataset.kind;
      paint(entry);
      if (kind === "saved") {
        status(entry, "Saved. You can change it until voting closes.", "saved");
      }
    }
  }

  // Timers count down between messages; a timer that ran out closes the form here too.
  setInterval(() => {
    for (const entry of forms.values()) {
      if (entry.signal.closes_at) paint(entry);
    }
  }, 250);

  connect();
})();
