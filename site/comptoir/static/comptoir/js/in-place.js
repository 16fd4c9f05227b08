// Forms marked `data-in-place` (helpful votes, idea supports) post in the
// background: the view answers JSON (comptoir/in_place.py) with a sentence and the
// new HTML of the page parts that changed, by element id, swapped in here. Focus
// stays on the button pressed; the sentence goes to the form's status element
// (`data-in-place-status`, a live region) so it is seen and heard.
// Without this script, or when the answer is not the expected JSON (logged out,
// a CSRF refusal), the form posts as a plain form would.
//
// Also, on every page that loads it: an item a form led back to (`#review-12`,
// made focusable with tabindex="-1") takes the focus, so keyboard and screen
// reader users carry on where they acted, not at the top of the page.
(function () {
  "use strict";

  function focusTarget() {
    var id;
    try {
      id = decodeURIComponent(window.location.hash.slice(1));
    } catch (error) {
      return; // A malformed address: nothing to focus.
    }
    var target = id && document.getElementById(id);
    if (target && target.getAttribute("tabindex") === "-1") {
      target.focus();
    }
  }

  function statusOf(form) {
    var id = form.getAttribute("data-in-place-status");
    return (id && document.getElementById(id)) || null;
  }

  function say(form, text, isError) {
    var status = statusOf(form);
    if (!status) {
      return;
    }
    status.classList.toggle("is-error", Boolean(isError));
    // Emptied first, so the same sentence twice is announced twice.
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = text;
    }, 50);
  }

  function formData(form, submitter) {
    var data = new FormData(form);
    // The button pressed carries the choice (helpful=yes / no).
    if (submitter && submitter.name) {
      data.append(submitter.name, submitter.value);
    }
    return data;
  }

  function postPlainly(form, submitter) {
    form.setAttribute("data-in-place", "off");
    if (form.requestSubmit) {
      form.requestSubmit(submitter || undefined);
    } else {
      form.submit();
    }
  }

  // Replaces each element named in `fragments` by its new HTML; returns the new
  // elements, by id.
  function swap(fragments) {
    var swapped = {};
    Object.keys(fragments || {}).forEach(function (id) {
      var old = document.getElementById(id);
      if (!old) {
        return; // Not on this page (or an older cached card): shown next visit.
      }
      var holder = document.createElement("template");
      holder.innerHTML = String(fragments[id]).trim();
      var fresh = holder.content.firstElementChild;
      if (fresh) {
        old.replaceWith(fresh);
        swapped[id] = { old: old, fresh: fresh };
      }
    });
    return swapped;
  }

  // Focus stays on the button pressed: the same button (name and value) in its
  // new HTML, or the new part's first button when the choice turned into
  // another (Support → Withdraw my support).
  function refocus(submitter, swapped) {
    if (!submitter || submitter.isConnected) {
      return;
    }
    var ids = Object.keys(swapped);
    for (var i = 0; i < ids.length; i += 1) {
      var part = swapped[ids[i]];
      if (!part.old.contains(submitter)) {
        continue;
      }
      var buttons = Array.prototype.slice.call(
        part.fresh.querySelectorAll("button, input[type=submit]")
      );
      if (part.fresh.matches("button")) {
        buttons.unshift(part.fresh);
      }
      var same = buttons.filter(function (button) {
        return button.name === submitter.name && button.value === submitter.value;
      })[0];
      // No button any more (the idea just reached its stage): the part itself.
      var next = same || buttons[0] || part.fresh.closest('[tabindex="-1"]');
      if (next) {
        next.focus();
      }
      return;
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (
      !(form instanceof HTMLFormElement) ||
      !form.hasAttribute("data-in-place") ||
      form.getAttribute("data-in-place") === "off" ||
      !window.fetch ||
      !window.FormData
    ) {
      return;
    }
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") {
      return; // A double click: the first one is on its way.
    }
    var submitter = event.submitter || document.activeElement;
    if (submitter && submitter.form !== form) {
      submitter = null;
    }
    // Not `form.action`: an input named "action" (Withdraw my support) hides it.
    var address = form.getAttribute("action") || window.location.href;
    form.setAttribute("aria-busy", "true");
    window
      .fetch(address, {
        method: "POST",
        body: formData(form, submitter),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        // A redirect (to log in) means the plain form is what works here.
        redirect: "manual",
      })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) {
          return null;
        }
        return response.json();
      })
      .then(
        function (answer) {
          form.removeAttribute("aria-busy");
          if (!answer) {
            postPlainly(form, submitter);
            return;
          }
          if (answer.ok) {
            refocus(submitter, swap(answer.fragments));
          }
          say(form, answer.message || "", !answer.ok);
        },
        function () {
          // The network failed: nothing was changed, say so by the button.
          form.removeAttribute("aria-busy");
          say(form, form.getAttribute("data-in-place-error") || "", true);
        }
      );
  });

  window.addEventListener("hashchange", focusTarget);
  focusTarget();
})();
