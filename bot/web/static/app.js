"use strict";
// Opened inside Telegram as a Mini App: Telegram puts its signed launch data in the address's fragment. The
// server checks it, and answers with the board of whoever opened it (or a refusal, shown here).
(async () => {
  const launch = new URLSearchParams(window.location.hash.slice(1));
  const response = await fetch(document.body.dataset.open, {
    method: "POST",
    headers: { "Content-Type": "text/plain" },
    body: launch.get("tgWebAppData") || "",
  });
  let answer = {};
  try { answer = await response.json(); } catch (error) { answer = {}; }
  if (response.ok && answer.board) {
    window.location.replace(new URL(answer.board, window.location.href));
    return;
  }
  const notice = document.getElementById("notice");
  notice.textContent = answer.notice || notice.dataset.refused;
  notice.hidden = false;
})();
