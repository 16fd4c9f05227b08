// Keyboard help for the moderation queue: keys (j / k by default) move between
// items, another selects the focused item's checkbox, another approves it. Each
// moderator can turn these single-key shortcuts off or choose the keys (WCAG
// 2.1.4); the page carries their choice in data-* attributes. Every action also
// has a real button, so a key is a shortcut, never the only way.
//
// Approving by key can be undone: the item shows "Approved — Undo" for a few
// seconds and the decision is only sent when that time is over. Nothing is sent
// before, so an undo has nothing to take back (the author's notification and
// e-mail leave with the decision). If the moderator leaves the page meanwhile,
// the decision is sent as the page goes (a keepalive request): the server
// decides it whole, in one transaction, or not at all.
(function () {
  "use strict";
  var root = document.querySelector("[data-moderation-keys]");
  if (!root) return;
  var data = root.dataset;
  var enabled = data.shortcutsEnabled !== "false";
  var keys = {
    next: data.keyNext || "j",
    previous: data.keyPrevious || "k",
    select: data.keySelect || "x",
    approve: data.keyApprove || "a",
    undo: data.keyUndo || "u"
  };
  var undoMs = (parseInt(data.undoSeconds, 10) || 5) * 1000;
  var announcer = root.querySelector("[data-moderation-announce]");
  // The one approval waiting for its undo delay: {item, form, timer, bar}.
  var pending = null;

  function format(text, values) {
    return String(text || "").replace(/%\((\w+)\)s/g, function (match, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : match;
    });
  }
  function announce(text) {
    if (!announcer) return;
    // Emptied first so that the same sentence twice is announced twice.
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }
  function items() {
    return Array.from(root.querySelectorAll(".moderation-item")).filter(function (item) {
      return !item.hasAttribute("data-pending");
    });
  }
  function current() {
    return document.activeElement && document.activeElement.closest
      ? document.activeElement.closest(".moderation-item") : null;
  }
  function focusItem(item) {
    if (!item) return;
    var box = item.querySelector(".moderation-select");
    (box || item).focus();
    item.scrollIntoView({ block: "nearest" });
  }
  function label(item) { return item.getAttribute("data-label") || ""; }
  function typing(target) {
    if (!target || !target.matches) return false;
    if (target.isContentEditable) return true;
    if (target.matches("textarea, select")) return true;
    return target.matches("input") &&
      !target.matches("[type=checkbox], [type=radio], [type=button], [type=submit], [type=reset]");
  }
  function keyOf(event) {
    return event.key && event.key.length === 1 ? event.key.toLowerCase() : event.key;
  }

  // --- approving with an undo delay --------------------------------------------

  function itemForm(item) {
    return document.getElementById("item-" + item.getAttribute("data-entry"));
  }
  function body(form) {
    // The item's hidden form and the reason and note fields tied to it (form=…).
    var fields = new FormData(form);
    fields.set("action", "approve");
    return fields;
  }
  function send(state, leaving) {
    // getAttribute: the form's buttons are named "action" and shadow form.action.
    return window.fetch(state.form.getAttribute("action"), {
      method: "POST",
      body: state.body,
      credentials: "same-origin",
      headers: { "Accept": "application/json" },
      keepalive: Boolean(leaving)
    });
  }
  function showPending(item) {
    item.setAttribute("data-pending", "");
    item.classList.add("is-pending");
    var bar = document.createElement("p");
    bar.className = "moderation-pending";
    var text = document.createElement("strong");
    text.textContent = data.textApproved;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-small button-secondary";
    button.textContent = data.textUndo;
    button.setAttribute("data-undo", "");
    button.addEventListener("click", undo);
    bar.appendChild(text);
    bar.appendChild(document.createTextNode(" — "));
    bar.appendChild(button);
    item.insertBefore(bar, item.firstChild);
    // The item's own controls sleep while it waits (no second decision on it,
    // not part of a bulk one); the Undo button stays.
    item.querySelectorAll("input, select, button:not([data-undo])").forEach(function (el) {
      if (el.disabled) return;
      el.disabled = true;
      el.setAttribute("data-pending-disabled", "");
    });
    // Its links leave the Tab order, so Shift+Tab from the next item is Undo.
    item.querySelectorAll("a[href]:not([tabindex])").forEach(function (el) {
      el.setAttribute("tabindex", "-1");
      el.setAttribute("data-pending-untabbed", "");
    });
    return bar;
  }
  function clearPending(item, bar) {
    item.removeAttribute("data-pending");
    item.classList.remove("is-pending");
    if (bar && bar.parentNode) bar.parentNode.removeChild(bar);
    item.querySelectorAll("[data-pending-disabled]").forEach(function (el) {
      el.disabled = false;
      el.removeAttribute("data-pending-disabled");
    });
    item.querySelectorAll("[data-pending-untabbed]").forEach(function (el) {
      el.removeAttribute("tabindex");
      el.removeAttribute("data-pending-untabbed");
    });
  }
  function approve(item) {
    var form = itemForm(item);
    if (!form) return;
    if (pending) commit();
    var list = items();
    var index = list.indexOf(item);
    // Read before the item's fields are disabled (disabled fields are not sent).
    var fields = body(form);
    var bar = showPending(item);
    pending = {
      item: item, form: form, body: fields, bar: bar,
      timer: window.setTimeout(function () { commit(false); }, undoMs)
    };
    announce(format(data.textPending, { item: label(item), key: keys.undo }));
    // Move on to the next item, as after a decision without JavaScript; with
    // nothing else left, stay on the Undo button.
    var next = list[index + 1] || list[index - 1];
    if (next) focusItem(next);
    else bar.querySelector("[data-undo]").focus();
  }
  function undo() {
    if (!pending) return;
    var state = pending;
    pending = null;
    window.clearTimeout(state.timer);
    var hadFocus = state.item.contains(document.activeElement);
    clearPending(state.item, state.bar);
    announce(format(data.textUndone, { item: label(state.item) }));
    focusItem(state.item);
    if (!hadFocus) state.item.scrollIntoView({ block: "nearest" });
  }
  function removeItem(item) {
    var hadFocus = item.contains(document.activeElement);
    var list = items();
    item.parentNode.removeChild(item);
    var form = itemForm(item);
    if (form) form.parentNode.removeChild(form);
    if (!list.length) {
      var empty = document.createElement("p");
      empty.className = "moderation-empty";
      empty.setAttribute("tabindex", "-1");
      empty.textContent = data.textEmpty;
      var listElement = root.querySelector(".moderation-items");
      listElement.parentNode.insertBefore(empty, listElement);
      if (hadFocus) empty.focus();
    } else if (hadFocus) {
      focusItem(list[0]);
    }
  }
  function commit(leaving) {
    if (!pending) return;
    var state = pending;
    pending = null;
    window.clearTimeout(state.timer);
    send(state, leaving).then(function (response) {
      // Only the view's JSON is an answer: a logged-out session is redirected
      // to the login page (HTML, 200), and nothing was decided.
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") !== -1;
      return (json ? response.json() : Promise.resolve(null)).catch(function () { return null; }).then(function (result) {
        if (leaving) return;
        // 409: another moderator decided it meanwhile; it has left the queue.
        if (result && (response.ok || response.status === 409)) {
          removeItem(state.item);
          announce(result.message || "");
        } else {
          clearPending(state.item, state.bar);
          announce((result && result.message) || data.textFailed);
        }
      });
    }).catch(function () {
      if (leaving) return;
      clearPending(state.item, state.bar);
      announce(data.textFailed);
    });
  }
  // Leaving (another page, reload, closing the tab): the moderator's approval
  // is sent now rather than lost; the server applies it whole or not at all.
  window.addEventListener("pagehide", function () { commit(true); });

  // --- keys ------------------------------------------------------------------

  document.addEventListener("keydown", function (event) {
    if (!enabled) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    var key = keyOf(event);
    if (key === keys.undo && pending) { undo(); event.preventDefault(); return; }
    var list = items();
    if (!list.length) return;
    var item = current();
    if (item && item.hasAttribute("data-pending")) item = null;
    var index = item ? list.indexOf(item) : -1;
    if (key === keys.next) { focusItem(list[Math.min(index + 1, list.length - 1)]); event.preventDefault(); }
    else if (key === keys.previous) { focusItem(list[Math.max(index - 1, 0)]); event.preventDefault(); }
    else if (key === keys.select && item) { var box = item.querySelector(".moderation-select"); if (box) box.click(); event.preventDefault(); }
    else if (key === keys.approve && item) { approve(item); event.preventDefault(); }
  });

  var all = document.querySelector("[data-select-all]");
  if (all) {
    all.addEventListener("change", function () {
      root.querySelectorAll(".moderation-item:not([data-pending]) .moderation-select").forEach(function (box) { box.checked = all.checked; });
    });
  }
})();
