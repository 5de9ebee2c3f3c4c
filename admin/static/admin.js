// Small enhancements for the admin panel; every page also works without JavaScript.
// (The Content-Security-Policy forbids inline script: all behaviour lives here.)
"use strict";

// Ask before a form with data-confirm is sent (rollbacks, discards, disabling an account).
document.addEventListener("submit", function (event) {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
}, true);

// Simulator: send a message without reloading the page, then show the new conversation.
document.addEventListener("submit", async function (event) {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-sim") || event.defaultPrevented) {
    return;
  }
  event.preventDefault();
  const data = new FormData(form);
  if (event.submitter && event.submitter.name) {
    data.append(event.submitter.name, event.submitter.value);
  }
  form.classList.add("busy");
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(data),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    });
    const box = document.getElementById("sim");
    box.innerHTML = await response.text();
    const chat = box.querySelector(".chat");
    if (chat) {
      chat.scrollTop = chat.scrollHeight;
    }
    const input = box.querySelector("input[name=text]");
    if (input) {
      input.focus();
    }
  } catch (error) {
    form.classList.remove("busy");
    form.submit(); // the network failed: fall back to an ordinary post
  }
});

// Simulator: show the end of the conversation when the page opens.
document.addEventListener("DOMContentLoaded", function () {
  const chat = document.querySelector(".chat");
  if (chat) {
    chat.scrollTop = chat.scrollHeight;
  }
});

// YAML editor: an error's "line N" link puts the cursor on that line of the text.
document.addEventListener("click", function (event) {
  const link = event.target instanceof Element ? event.target.closest("a[data-line]") : null;
  const area = document.querySelector("textarea[data-yaml]");
  if (!link || !area) {
    return;
  }
  event.preventDefault();
  const wanted = Number(link.dataset.line);
  const lines = area.value.split("\n");
  let start = 0;
  for (let i = 0; i < wanted - 1 && i < lines.length; i += 1) {
    start += lines[i].length + 1;
  }
  const end = start + (lines[wanted - 1] || "").length;
  area.focus();
  area.setSelectionRange(start, end);
  const lineHeight = area.scrollHeight / Math.max(lines.length, 1);
  area.scrollTop = Math.max(0, (wanted - 4) * lineHeight);
});

// YAML editor: Tab indents with two spaces instead of leaving the field.
document.addEventListener("keydown", function (event) {
  const area = event.target;
  if (event.key !== "Tab" || !(area instanceof HTMLTextAreaElement) || !area.hasAttribute("data-yaml")) {
    return;
  }
  event.preventDefault();
  const start = area.selectionStart;
  area.setRangeText("  ", start, area.selectionEnd, "end");
});
