"use strict";
// Suggestions as one types, for every input marked data-combobox: the
// search box of the top bar (data-combobox="go": choosing a suggestion
// opens it; Enter without choosing one submits the form, to the page of
// all matches) and the pickers of a customer (data-combobox="pick": choosing
// one puts its id in the form's field named by data-target, and its name
// in the box). The input is a combobox after the WAI-ARIA pattern with a
// list that autocompletes: arrow keys move through the suggestions (the
// focus stays in the box, aria-activedescendant names the one chosen),
// Enter takes it, Escape closes the list and a second Escape empties the
// box. The texts come in the page's language from the input's data-
// attributes: data-none, data-one, data-many and data-all (with %s for the
// count or the text typed).
(function () {
  var delay = 150; // milliseconds of quiet typing before asking

  function fill(text, value) { return (text || "").replace("%s", value); }

  function setup(input) {
    var mode = input.dataset.combobox;
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var status = document.getElementById(input.dataset.status);
    var target = mode === "pick" ? input.form.elements[input.dataset.target] : null;
    var chosenNote = input.dataset.chosen ? document.getElementById(input.dataset.chosen) : null;
    var kinds = input.dataset.kinds || "";
    var limit = input.dataset.limit || "8";
    var results = [];
    var active = -1;
    var timer = 0;
    var asked = 0; // the number of the last question; older answers are dropped
    var controller = null;
    var typed = "";
    // entered is true from the keydown of an Enter the box took (to choose
    // a suggestion) to its keyup: that Enter must not also submit the form.
    var entered = false;

    function options() { return list.querySelectorAll("[role=option]"); }

    function say(text) { if (status) { status.textContent = text; } }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function open() {
      if (!list.children.length) { return; }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function setActive(i) {
      var opts = options();
      if (!opts.length) { return; }
      if (i < 0) { i = opts.length - 1; }
      if (i >= opts.length) { i = 0; }
      opts.forEach(function (o, j) { o.setAttribute("aria-selected", j === i ? "true" : "false"); });
      active = i;
      input.setAttribute("aria-activedescendant", opts[i].id);
      opts[i].scrollIntoView({ block: "nearest" });
    }

    // choose takes option i: a suggestion, or the last one of the search
    // box, which opens the page of all matches.
    function choose(i) {
      var opt = options()[i];
      if (!opt) { return; }
      close();
      if (opt.dataset.all) {
        input.form.submit();
        return;
      }
      var r = results[Number(opt.dataset.index)];
      if (mode === "pick") {
        target.value = r.customer_id;
        input.value = r.label;
        typed = r.label;
        if (chosenNote) { chosenNote.textContent = r.customer_id; }
        target.dispatchEvent(new Event("change", { bubbles: true }));
        return;
      }
      window.location.assign(r.link || "/search?q=" + encodeURIComponent(input.value.trim()));
    }

    function option(id, index) {
      var li = document.createElement("li");
      li.id = list.id + "-" + id;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      if (index >= 0) { li.dataset.index = String(index); }
      return li;
    }

    function render(q, rs) {
      results = rs;
      list.dataset.query = q; // what the suggestions are of
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      rs.forEach(function (r, i) {
        var li = option(i, i);
        li.className = "suggestion kind-" + r.kind;
        var label = document.createElement("span");
        label.className = "label";
        label.textContent = r.label;
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = r.kind_label;
        var detail = document.createElement("span");
        detail.className = "detail";
        detail.textContent = r.detail;
        li.append(label, kind, detail);
        list.append(li);
      });
      if (!rs.length) {
        var none = document.createElement("li");
        none.className = "none";
        none.setAttribute("aria-disabled", "true");
        none.textContent = fill(input.dataset.none, q);
        list.append(none);
      }
      if (mode === "go") {
        var all = option("all", -1);
        all.className = "suggestion all";
        all.dataset.all = "true";
        all.textContent = fill(input.dataset.all, q);
        list.append(all);
      }
      say(rs.length === 1 ? input.dataset.one : fill(input.dataset.many, rs.length));
      if (document.activeElement === input) { open(); }
    }

    function ask() {
      var q = input.value.trim();
      if (q === typed && !list.hidden) { return; }
      typed = q;
      if (controller) { controller.abort(); }
      if (!q) {
        list.textContent = "";
        close();
        return;
      }
      var n = ++asked;
      controller = new AbortController();
      var url = "/api/search?limit=" + limit + "&q=" + encodeURIComponent(q) + (kinds ? "&kind=" + kinds : "");
      fetch(url, { credentials: "same-origin", signal: controller.signal, headers: { Accept: "application/json" } })
        .then(function (resp) {
          if (!resp.ok) { throw new Error("HTTP " + resp.status); }
          return resp.json();
        })
        .then(function (ans) {
          if (n === asked) { render(q, ans.results || []); }
        })
        .catch(function (e) {
          if (e.name !== "AbortError" && n === asked) { close(); }
        });
    }

    input.addEventListener("input", function () {
      if (target && target.value) {
        target.value = "";
        if (chosenNote) { chosenNote.textContent = ""; }
      }
      clearTimeout(timer);
      timer = setTimeout(ask, delay);
    });
    input.addEventListener("focus", function () {
      if (input.value.trim() && input.value.trim() === typed) { open(); }
    });
    input.addEventListener("blur", function () {
      entered = false;
      close();
    });
    input.addEventListener("keydown", function (ev) {
      var isOpen = !list.hidden;
      switch (ev.key) {
      case "ArrowDown":
      case "Down":
        ev.preventDefault();
        if (!isOpen) {
          if (typed === input.value.trim() && list.children.length) { open(); } else { clearTimeout(timer); ask(); }
          return;
        }
        setActive(active + 1);
        break;
      case "ArrowUp":
      case "Up":
        if (!isOpen) { return; }
        ev.preventDefault();
        setActive(active - 1);
        break;
      case "Enter":
        if (isOpen && active >= 0) {
          ev.preventDefault();
          entered = true;
          choose(active);
        } else if (mode === "pick") {
          // Enter in a picker does not book: the form's button does.
          ev.preventDefault();
          entered = true;
          clearTimeout(timer);
          ask();
        }
        break;
      case "Escape":
      case "Esc":
        if (isOpen) {
          ev.preventDefault();
          close();
        } else if (input.value) {
          ev.preventDefault();
          input.value = "";
          typed = "";
          if (target) { target.value = ""; }
          if (chosenNote) { chosenNote.textContent = ""; }
        }
        break;
      case "Tab":
        close();
        break;
      }
    });
    // Some browsers still submit the form after an Enter whose keydown was
    // cancelled; this listener runs before the form's own.
    input.form.addEventListener("submit", function (ev) {
      if (entered) {
        ev.preventDefault();
        ev.stopImmediatePropagation();
      }
    }, true);
    input.addEventListener("keyup", function (ev) {
      if (ev.key === "Enter") { entered = false; }
    });
    // A press on a suggestion keeps the focus in the box; the click takes it.
    list.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
    list.addEventListener("click", function (ev) {
      var li = ev.target.closest("[role=option]");
      if (!li) { return; }
      var i = Array.prototype.indexOf.call(options(), li);
      if (i >= 0) { choose(i); }
    });
  }

  document.querySelectorAll("input[data-combobox]").forEach(setup);
})();
