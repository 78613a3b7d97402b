/* The duty desk's forms on flaky hall Wi-Fi: nothing typed is lost, nothing is saved twice.
 *
 * A form marked data-duty-form is sent with fetch. Before it is sent, the submission — its
 * fields and its idempotency key (a UUID in the form) — is kept in localStorage (the
 * "outbox"). It leaves the outbox only when the server confirms: 201 saved, 200 already
 * saved under that key. A timeout or a network failure leaves it there, and it is sent
 * again with the same key (so the server finds the row it already made) every 15 seconds,
 * when the browser comes back online, and whenever a duty page is opened. 422 means the
 * server refused the input: the errors are shown on the form, which keeps what was typed.
 * The bar #duty-sync says plainly what is saved and what is still waiting.
 *
 * data-duty-renew: a one-tap form (reception counters); each tap is its own submission, so
 * the key is renewed as soon as a tap is queued. Other forms keep their key (and their text)
 * until the server confirms, so tapping "save" again after a timeout is a retry, not a copy.
 * Photos cannot be kept in localStorage: they wait in IndexedDB (database hall-duty-photos,
 * under the submission's key) and go with every resend, from any duty page, until the server
 * confirms. Only where IndexedDB is unavailable (a private window, storage full) is a photo
 * lost once its page is left — and the bar says so.
 */
(function () {
  "use strict";
  var STORE = "hall-duty-outbox-v1";
  var TIMEOUT_MS = 15000;
  var RETRY_MS = 15000;
  var bar = document.getElementById("duty-sync");
  var inFlight = {};

  function msg(name) { return (bar && bar.dataset["msg" + name]) || name; }

  function csrf() {
    var el = document.querySelector("input[name=csrfmiddlewaretoken]");
    return el ? el.value : "";
  }

  function newKey() {
    if (window.isSecureContext && window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b); // available on plain http too, unlike randomUUID
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return x.toString(16).padStart(2, "0"); }).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  // --- photos of waiting submissions, in IndexedDB --------------------------------------
  var PHOTO_DB = "hall-duty-photos";
  var dbPromise = null;
  function photoDb() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve) {
      var req;
      try { req = window.indexedDB.open(PHOTO_DB, 1); } catch (e) { resolve(null); return; }
      req.onupgradeneeded = function () { req.result.createObjectStore("photos"); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { resolve(null); };
      req.onblocked = function () { resolve(null); };
    });
    return dbPromise;
  }
  function photoTx(mode, work) {
    return photoDb().then(function (db) {
      if (!db) return null;
      return new Promise(function (resolve) {
        var tx, req;
        try { tx = db.transaction("photos", mode); req = work(tx.objectStore("photos")); }
        catch (e) { resolve(null); return; }
        tx.oncomplete = function () { resolve(req.result === undefined ? true : req.result); };
        tx.onerror = tx.onabort = function () { resolve(null); };
      });
    });
  }
  function keepPhotos(key, files) {
    var rows = files.map(function (f) {
      return { field: f[0], blob: f[1], name: f[1].name, type: f[1].type };
    });
    return photoTx("readwrite", function (s) { return s.put(rows, key); });
  }
  function storedPhotos(key) {
    return photoTx("readonly", function (s) { return s.get(key); }).then(function (rows) {
      return (Array.isArray(rows) ? rows : []).map(function (r) {
        return [r.field, new File([r.blob], r.name, { type: r.type })];
      });
    });
  }
  function dropPhotos(key) { return photoTx("readwrite", function (s) { return s.delete(key); }); }

  function load() {
    try { return JSON.parse(localStorage.getItem(STORE) || "[]"); } catch (e) { return []; }
  }
  function save(items) {
    try { localStorage.setItem(STORE, JSON.stringify(items)); } catch (e) { /* full: keep in memory */ }
    render();
  }
  function put(item) { save(load().filter(function (i) { return i.key !== item.key; }).concat([item])); }
  function drop(key) {
    save(load().filter(function (i) { return i.key !== key; }));
    dropPhotos(key);
  }

  function liveForm(key) {
    var input = document.querySelector("form[data-duty-form] input[name=key][value='" + key + "']");
    return input ? input.form : null;
  }

  var last = { state: "", text: "", url: "" };
  function render() {
    if (!bar) return;
    var items = load();
    var state = bar.querySelector(".sync-state");
    var list = bar.querySelector(".sync-queue");
    bar.classList.remove("waiting", "saved", "refused");
    list.textContent = "";
    if (items.length) {
      bar.classList.add("waiting");
      state.textContent = msg("Waiting") + " (" + items.length + ")" + (last.state === "login" ? " — " + msg("Login") : "");
      items.forEach(function (i) {
        var li = document.createElement("li");
        li.textContent = "• " + i.label + " · " + i.at + (i.photoLost ? " · " + msg("Nophoto") : "");
        list.appendChild(li);
      });
    } else if (last.state === "refused") {
      bar.classList.add("refused");
      state.textContent = msg("Fix");
    } else if (last.state === "saved") {
      bar.classList.add("saved");
      state.textContent = "✓ " + last.text;
      if (last.url) {
        var a = document.createElement("a");
        a.href = last.url; a.className = "ms-2"; a.textContent = "›"; a.setAttribute("aria-label", msg("Saved"));
        state.appendChild(a);
      }
    } else {
      state.textContent = msg("Allsaved");
    }
  }

  function showErrors(form, errors) {
    form.querySelectorAll(".is-invalid").forEach(function (el) { el.classList.remove("is-invalid"); });
    form.querySelectorAll(".duty-error").forEach(function (el) { el.remove(); });
    Object.keys(errors || {}).forEach(function (name) {
      var field = form.querySelector("[name='" + name + "']");
      var box = document.createElement("div");
      box.className = "duty-error invalid-feedback d-block";
      box.textContent = errors[name].join(" ");
      if (field && field.type !== "hidden") {
        field.classList.add("is-invalid");
        (field.closest(".mb-3, .mb-2, .col-sm-4, .col-sm-6, .col-sm-2, fieldset") || field.parentNode).appendChild(box);
      } else {
        box.className = "duty-error alert alert-danger py-1";
        form.insertBefore(box, form.firstChild);
      }
    });
  }

  function fieldsOf(form, submitter) {
    var fd = new FormData(form, submitter || undefined);
    var fields = [], files = [];
    fd.forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") return;
      if (value instanceof File) { if (value.size) files.push([name, value]); }
      else fields.push([name, value]);
    });
    return { fields: fields, files: files };
  }

  function post(item, files) {
    var fd = new FormData();
    item.fields.forEach(function (f) { fd.append(f[0], f[1]); });
    (files || []).forEach(function (f) { fd.append(f[0], f[1]); });
    fd.append("csrfmiddlewaretoken", csrf());
    var ctrl = new AbortController();
    var timer = setTimeout(function () { ctrl.abort(); }, TIMEOUT_MS);
    return fetch(item.action, {
      method: "POST", body: fd, credentials: "same-origin", signal: ctrl.signal,
      headers: { "X-Duty-Submit": "1", "X-CSRFToken": csrf() }
    }).then(function (r) {
      clearTimeout(timer);
      return r.json().catch(function () { return {}; }).then(function (d) { return { status: r.status, data: d }; });
    }, function () { clearTimeout(timer); return { status: 0, data: {} }; });
  }

  function settle(item, result) {
    var form = liveForm(item.key);
    if (result.status === 200 || result.status === 201) {
      drop(item.key);
      last = { state: "saved", text: result.data.message || msg("Saved"), url: result.data.url || "" };
      if (result.data.tallies) {
        Object.keys(result.data.tallies).forEach(function (k) {
          document.querySelectorAll("[data-tally='" + k + "']").forEach(function (el) { el.textContent = result.data.tallies[k]; });
        });
      }
      if (form) {
        showErrors(form, {});
        if (form.dataset.dutyDone) {
          // data-duty-done="saved": go to the saved record's own page.
          var to = form.dataset.dutyDone === "saved" ? result.data.url : form.dataset.dutyDone;
          if (to) { window.location.assign(to); return; }
        }
        form.reset();
        form.querySelector("input[name=key]").value = newKey();
      }
    } else if (result.status === 422) {
      drop(item.key);
      last = { state: "refused" };
      if (form) showErrors(form, result.data.errors);
    } else {
      last = { state: (result.status === 403 || result.status === 401 || result.status === 302) ? "login" : "waiting" };
      if (!form && item.hasPhoto && !item.photoKept && !item.photoLost) { item.photoLost = true; put(item); }
    }
    render();
  }

  function sendItem(item) {
    if (inFlight[item.key]) return Promise.resolve();
    inFlight[item.key] = true;
    var form = liveForm(item.key);
    var files = form ? fieldsOf(form).files : [];
    // The page was left (or drawn again, without its file input filled): the photos wait in
    // IndexedDB.
    var photos = files.length || !item.hasPhoto || item.photoLost
      ? Promise.resolve(files) : storedPhotos(item.key);
    return photos.then(function (found) {
      return post(item, found);
    }).then(function (result) {
      delete inFlight[item.key];
      settle(item, result);
    });
  }

  function flush() {
    var items = load();
    return items.reduce(function (p, item) { return p.then(function () { return sendItem(item); }); }, Promise.resolve());
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-duty-form]")) return;
    event.preventDefault();
    var keyInput = form.querySelector("input[name=key]");
    if (!keyInput.value) keyInput.value = newKey();
    var parts = fieldsOf(form, event.submitter);
    var label = form.dataset.dutyLabel || "";
    if (event.submitter && event.submitter.name && event.submitter.value) {
      label += " · " + event.submitter.textContent.replace(/\s*\d+\s*$/, "").trim();
    }
    var now = new Date();
    var item = {
      key: keyInput.value, action: form.action, label: label, fields: parts.fields,
      hasPhoto: parts.files.length > 0, at: now.toTimeString().slice(0, 5)
    };
    put(item);
    if (form.hasAttribute("data-duty-renew")) {
      keyInput.value = newKey(); // the next tap is a new submission
      var note = form.querySelector("input[name=text]");
      if (note) note.value = "";
      last = { state: "waiting" };
      render();
      var sent = { key: item.key, action: item.action, label: item.label, fields: item.fields, at: item.at };
      inFlight[item.key] = true;
      post(sent, []).then(function (result) { delete inFlight[item.key]; settle(sent, result); });
      return;
    }
    last = { state: "waiting" };
    render();
    if (!item.hasPhoto) { sendItem(item); return; }
    keepPhotos(item.key, parts.files).then(function (kept) {
      if (kept) { item.photoKept = true; put(item); }
      sendItem(item);
    });
  });

  // A page drawn with a submission still waiting: show it in its form again.
  function restore() {
    load().forEach(function (item) {
      document.querySelectorAll("form[data-duty-form]:not([data-duty-renew])").forEach(function (form) {
        if (form.action !== item.action) return;
        item.fields.forEach(function (f) {
          var els = form.querySelectorAll("[name='" + f[0] + "']");
          els.forEach(function (el) {
            if (el.type === "radio" || el.type === "checkbox") el.checked = el.value === f[1];
            else if (el.type !== "file") el.value = f[1];
          });
        });
      });
    });
  }

  window.addEventListener("online", flush);
  setInterval(function () { if (load().length) flush(); }, RETRY_MS);
  restore();
  render();
  flush();
  window.hallDuty = { flush: flush, outbox: load, newKey: newKey };
})();
