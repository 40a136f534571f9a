"use strict";
// The sorting board: tap a card, then what to do with it (or drag it onto a column). Each action is sent with
// where the card was when it was tapped; the server refuses it, with a notice, if the card moved meanwhile.
(() => {
  const body = document.body;
  const bar = document.getElementById("actions");
  const notice = document.getElementById("notice");
  let selected = null;
  let pickingOriginal = false;

  const cardOf = (id) => document.querySelector(`.card[data-idea="${id}"]`);
  const say = (text) => { notice.textContent = text || ""; notice.hidden = !text; };

  function select(id) {
    document.querySelectorAll(".card.selected").forEach((c) => c.classList.remove("selected"));
    const chosen = id === null ? null : cardOf(id);
    selected = chosen === null ? null : id;
    pickingOriginal = false;
    body.classList.remove("picking");
    bar.hidden = chosen === null;
    if (chosen === null) return;
    chosen.classList.add("selected");
    const [, duplicateOf, hidden] = chosen.dataset.seen.split(":");
    bar.dataset.hidden = hidden === "h" ? "yes" : "no";
    bar.dataset.duplicate = duplicateOf ? "yes" : "no";
    bar.dataset.quoted = chosen.dataset.quoted;
  }

  async function send(action) {
    const response = await fetch(body.dataset.act, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Inspraak-Key": body.dataset.key },
      body: JSON.stringify(action),
    });
    let answer = {};
    try { answer = await response.json(); } catch (error) { answer = {}; }
    say(response.ok ? "" : answer.notice || body.dataset.failed);
    return response.ok;
  }

  function onSelected(fields) {
    const card = cardOf(selected);
    if (card === null) return Promise.resolve(false);
    const action = { idea: card.dataset.idea, seen: card.dataset.seen, ...fields };
    select(null);
    return send(action);
  }

  document.addEventListener("click", async (event) => {
    const target = event.target;
    if (target.closest("audio, summary")) return;
    const button = target.closest("button[data-op]");
    const onCard = button === null ? null : button.closest(".card");
    if (onCard !== null) select(onCard.dataset.idea); // a card's own button (its suggested theme) acts on it
    if (button !== null && selected !== null) {
      const op = button.dataset.op;
      if (op === "cancel") { select(null); say(""); return; }
      if (op === "duplicate") { pickingOriginal = true; body.classList.add("picking"); say(body.dataset.duplicateHint); return; }
      if (op === "hide") {
        let text = "";
        if (button.dataset.reason === "other") {
          text = window.prompt(body.dataset.otherReason) || "";
          if (text.trim().length < 2) return;
        }
        await onSelected({ op, reason: button.dataset.reason, text });
        return;
      }
      if (op === "restore") { await onSelected({ op }); return; }
      if (op === "quote") { await onSelected({ op, text: button.dataset.text || "" }); return; }
      if (op === "sort") { await onSelected({ op, theme: button.dataset.theme }); return; }
    }
    const rename = target.closest("button.rename");
    if (rename !== null) {
      const text = window.prompt(body.dataset.renamePrompt, rename.dataset.name);
      if (text && text.trim()) await send({ op: "rename", theme: rename.dataset.theme, text });
      return;
    }
    const card = target.closest(".card");
    if (card === null) return;
    const id = card.dataset.idea;
    if (pickingOriginal && selected !== null && id !== selected) {
      const original = id;
      await onSelected({ op: "duplicate", original });
      return;
    }
    select(id === selected ? null : id);
  });

  // Suggested themes: groups of unsorted ideas, each to name as a theme, add to one, or leave.
  const suggest = document.getElementById("suggest");
  const panel = document.getElementById("suggestions");
  if (suggest !== null) {
    suggest.addEventListener("click", async () => {
      panel.textContent = suggest.dataset.working;
      const response = await fetch(suggest.dataset.url, { method: "POST", headers: { "X-Inspraak-Key": body.dataset.key } });
      let answer = {};
      try { answer = await response.json(); } catch (error) { answer = {}; }
      if (response.ok) panel.innerHTML = answer.html; else { panel.textContent = ""; say(body.dataset.failed); }
    });
  }
  panel.addEventListener("click", async (event) => {
    const form = event.target.closest("form.suggestion");
    if (form === null) return;
    if (event.target.closest("[data-leave]")) { form.remove(); return; }
    const accept = event.target.closest("[data-accept]");
    if (accept === null) return;
    const group = form.dataset.group.split(",").map(Number);
    const name = form.elements.name.value.trim();
    const theme = accept.dataset.accept === "new" ? "" : accept.dataset.accept;
    if (theme === "" && !name) { form.elements.name.focus(); return; }
    if (await send({ op: "accept", group, text: name, theme })) form.remove();
  });

  document.getElementById("introduction").addEventListener("submit", async (event) => {
    event.preventDefault();
    await send({ op: "introduction", text: event.target.elements.text.value });
  });

  document.getElementById("add-themes").addEventListener("submit", async (event) => {
    event.preventDefault();
    const field = document.getElementById("new-themes");
    if (field.value.trim() && (await send({ op: "add_themes", text: field.value }))) field.value = "";
  });

  // Desktop: drag a card onto a column.
  document.addEventListener("dragstart", (event) => {
    const card = event.target.closest(".card");
    if (card !== null) event.dataTransfer.setData("text/plain", card.dataset.idea);
  });
  document.addEventListener("dragover", (event) => {
    if (event.target.closest(".column")) event.preventDefault();
  });
  document.addEventListener("drop", async (event) => {
    const column = event.target.closest(".column");
    const id = event.dataTransfer.getData("text/plain");
    if (column === null || !id) return;
    event.preventDefault();
    select(id);
    await onSelected({ op: "sort", theme: column.dataset.theme });
  });

  // After a live update the same card stays chosen, with where it is now.
  document.addEventListener("inspraak:updated", () => {
    const picking = pickingOriginal;
    if (selected !== null) select(selected);
    if (picking && selected !== null) { pickingOriginal = true; body.classList.add("picking"); }
  });
})();
