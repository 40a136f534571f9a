"use strict";
// Keeps a live page current: the server sends the parts that changed, by element id, as server-sent events.
(() => {
  const status = document.getElementById("live-status");
  const source = new EventSource(document.body.dataset.events);
  source.onmessage = (event) => {
    for (const [id, html] of Object.entries(JSON.parse(event.data))) {
      const part = document.getElementById(id);
      if (part !== null) part.innerHTML = html;
    }
    status.textContent = status.dataset.live;
    status.classList.remove("offline");
    document.dispatchEvent(new Event("inspraak:updated"));
  };
  source.addEventListener("gone", () => {
    source.close();
    window.location.reload(); // the link expired or the session went: the page says so
  });
  source.onerror = () => {
    status.textContent = status.dataset.offline; // EventSource tries again by itself
    status.classList.add("offline");
  };
})();
