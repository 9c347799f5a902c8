/* Sale logging on the participant's phone, offline first.
   Each sale gets its UUID here and goes into an IndexedDB outbox before anything else, so it
   survives a closed page or a restarted phone; the outbox is sent in order whenever the
   connection allows, and the server's idempotency (same id → same entry) makes retries safe. */
(function () {
  "use strict";

  var DB_NAME = "flashcoop";
  var STORE = "outbox";
  var retryDelay = 3000;
  var retryTimer = null;
  var flushing = false;

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      // A page the worker served is in its cache already; the very first one was fetched
      // before the worker existed: copy it once, never on every visit.
      if (!window.caches || navigator.serviceWorker.controller || location.pathname !== "/me") {
        return undefined;
      }
      var key = location.origin + "/me";
      return caches.open("flashcoop-v1-pages").then(function (cache) {
        return cache.match(key).then(function (found) {
          return found || cache.add(key);
        });
      });
    }).catch(function () { return undefined; });
  }
  var root = document.getElementById("ledger-home");
  var form = document.getElementById("sale-form");
  if (!root || !window.fetch) {
    return;
  }
  var config = root.dataset;
  var messages = document.getElementById("sale-messages").dataset;
  var statusBox = document.getElementById("sale-status");
  var alertBox = document.getElementById("sale-alert");
  var list = document.getElementById("my-entries");
  var template = document.getElementById("pending-row");
  var participant = config.participant;
  var currency = config.currency;
  var money = new Intl.NumberFormat(document.documentElement.lang === "en" ? "en-GB" : "fr-FR",
    { style: "currency", currency: currency });
  var KEEP_SENT = 10;  // the phone remembers this many sent sales, for a page from its cache

  function uuid4() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
      hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function fill(text, params) {
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return name in params ? params[name] : all;
    });
  }

  // Good news in the green status box, trouble in the red alert box; either is scrolled into
  // view, since the tap that caused it was at the bottom of the form.
  function say(text, trouble) {
    var box = trouble ? alertBox : statusBox;
    var other = trouble ? statusBox : alertBox;
    other.hidden = true;
    other.textContent = "";
    box.textContent = text;
    box.hidden = !text;
    if (text && box.scrollIntoView) {
      box.scrollIntoView({ block: "nearest" });
    }
  }

  function waitingText(count) {
    var one = count <= 1;
    if (window.Intl && Intl.PluralRules) {
      one = new Intl.PluralRules(document.documentElement.lang || "fr").select(count) === "one";
    }
    return fill(one ? messages.waitingOne : messages.waitingOther, { count: count });
  }

  function rowLabel(body) {
    return body.label + (body.quantity > 1 ? " ×" + body.quantity : "");
  }

  /* ---- the outbox (IndexedDB): pending, refused, and the last sent sales ---- */

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "n", autoIncrement: true });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function tx(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var result;
        transaction.oncomplete = function () { db.close(); resolve(result); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
        transaction.onabort = function () { db.close(); reject(transaction.error); };
        result = work(transaction.objectStore(STORE));
      });
    });
  }

  function allItems() {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var request = db.transaction(STORE, "readonly").objectStore(STORE).getAll();
        request.onsuccess = function () { db.close(); resolve(request.result); };
        request.onerror = function () { db.close(); reject(request.error); };
      });
    }).then(function (items) {
      return items.filter(function (item) { return item.participant === participant; });
    });
  }

  function putItem(item) { return tx("readwrite", function (store) { store.put(item); }); }
  function deleteItem(n) { return tx("readwrite", function (store) { store.delete(n); }); }

  function keepSent(item, entry) {
    item.state = "sent";
    item.entry = { id: entry.id, label: entry.label, amount: entry.amount, quantity: entry.quantity };
    return putItem(item).then(allItems).then(function (items) {
      var sent = items.filter(function (one) { return one.state === "sent"; });
      var old = sent.slice(0, Math.max(0, sent.length - KEEP_SENT));
      return Promise.all(old.map(function (one) { return deleteItem(one.n); }));
    });
  }

  /* ---- the list of my sales ---- */

  function newRow(body) {
    var row = template.content.firstElementChild.cloneNode(true);
    row.querySelector(".label").textContent = rowLabel(body);
    row.querySelector(".amount").textContent = money.format(Number(body.amount));
    list.insertBefore(row, list.firstChild);
    var none = document.getElementById("no-sales");
    if (none) {
      none.hidden = true;
    }
    return row;
  }

  function button(text, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "small";
    b.textContent = text;
    b.addEventListener("click", action);
    return b;
  }

  function pendingRow(item) {
    var row = list.querySelector('li[data-pending="' + item.body.id + '"]');
    if (!row) {
      row = newRow(item.body);
      row.setAttribute("data-pending", item.body.id);
    }
    if (item.state === "refused" && !row.classList.contains("refused")) {
      row.className = "refused";
      row.querySelector(".badge").textContent = messages.refusedBadge;
      var reason = document.createElement("p");
      reason.className = "error reason";
      reason.textContent = item.error || "";
      var actions = document.createElement("p");
      actions.className = "row-actions";
      actions.appendChild(button(messages.correct, function () { correct(item, row); }));
      actions.appendChild(button(messages.remove, function () { forget(item, row); }));
      row.appendChild(reason);
      row.appendChild(actions);
    }
    return row;
  }

  // A sale sent from this phone that the page (perhaps an old copy from the cache) lacks.
  function sentRow(item) {
    if (list.querySelector('li[data-id="' + item.entry.id + '"]')) {
      return;
    }
    var row = newRow(item.entry);
    row.setAttribute("data-id", item.entry.id);
    row.className = "sale sent";
    row.querySelector(".badge").textContent = messages.sentBadge;
  }

  function markSent(item, entry) {
    var row = list.querySelector('li[data-pending="' + item.body.id + '"]');
    if (!row) {
      return;
    }
    if (list.querySelector('li[data-id="' + entry.id + '"]')) {
      row.remove();  // the server's copy is already shown (its first answer was lost)
      return;
    }
    row.removeAttribute("data-pending");
    row.setAttribute("data-id", entry.id);
    row.className = "sale sent";
    row.querySelector(".badge").textContent = messages.sentBadge;
  }

  function showStored() {
    return allItems().then(function (items) {
      items.filter(function (item) { return item.state === "sent"; }).forEach(sentRow);
      var open = items.filter(function (item) { return item.state !== "sent"; });
      open.forEach(pendingRow);
      var waiting = open.filter(function (item) { return item.state === "pending"; });
      root.dataset.pending = String(waiting.length);
      if (waiting.length) {
        say(waitingText(waiting.length));
      }
      return waiting.length;
    });
  }

  function updateTotal(last) {
    return fetch(config.total, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (!data) {
        return;
      }
      var total = money.format(Number(data.sales));
      var strong = document.querySelector("#collective .total");
      if (strong) {
        strong.textContent = total;
      }
      var mine = document.getElementById("my-total");
      if (mine && data.mine) {
        mine.textContent = fill(messages.mine, {
          count: data.mine.count, total: money.format(Number(data.mine.sales)),
        });
      }
      var text = fill(messages.together, { total: total });
      if (last) {
        text = fill(messages.sent, {
          label: last.label, amount: money.format(Number(last.amount)),
        }) + " " + text;
      }
      if (!alertBox.textContent) {
        say(text);
      }
    }).catch(function () { return undefined; });
  }

  /* ---- sending, in order, exactly once thanks to the ids ---- */

  function scheduleRetry() {
    if (retryTimer) {
      return;
    }
    retryTimer = setTimeout(function () {
      retryTimer = null;
      flush();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 60000);
  }

  function send(item) {
    return fetch(config.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": config.csrf },
      body: JSON.stringify(item.body),
    });
  }

  // What is wrong, in words: the messages of the fields (the limit, the format), else the
  // general one.
  function reasonOf(data, status) {
    var error = data.error || {};
    var fields = error.fields || {};
    var texts = Object.keys(fields).map(function (name) { return fields[name]; });
    return texts.length ? texts.join(" ") : (error.message || String(status));
  }

  function flushOnce() {
    var last = null;
    return allItems().then(function (items) {
      var queue = items.filter(function (item) { return item.state === "pending"; });
      var chain = Promise.resolve("go");
      queue.forEach(function (item) {
        chain = chain.then(function (state) {
          if (state !== "go") {
            return state;
          }
          return send(item).then(function (response) {
            if (response.status === 200 || response.status === 201) {
              return response.json().then(function (entry) {
                last = entry;
                return keepSent(item, entry).then(function () {
                  markSent(item, entry);
                  return "go";
                });
              });
            }
            var json = (response.headers.get("content-type") || "").indexOf("json") !== -1;
            if (response.status === 401 || (response.status === 403 && !json)) {
              say(messages.signin, true);  // signed out, or a stale page: keep the sale, stop
              return "stop";
            }
            if (response.status >= 500 || response.status === 429) {
              return "retry";
            }
            return (json ? response.json() : Promise.resolve({})).then(function (data) {
              item.state = "refused";
              item.error = reasonOf(data, response.status);
              return putItem(item).then(function () {
                pendingRow(item);
                say(fill(messages.refused, {
                  label: rowLabel(item.body),
                  amount: money.format(Number(item.body.amount)),
                  reason: item.error,
                }), true);
                return "go";
              });
            });
          }, function () {
            return "retry";  // no network, or the answer was lost: same id next time
          });
        });
      });
      return chain;
    }).then(function (state) {
      if (state === "retry") {
        scheduleRetry();
        return showStored();
      }
      retryDelay = 3000;
      return last ? updateTotal(last) : null;
    });
  }

  function flush() {
    if (flushing || !window.indexedDB) {
      return Promise.resolve();
    }
    flushing = true;
    var run = navigator.locks
      ? navigator.locks.request("flashcoop-outbox", flushOnce)
      : flushOnce();
    return Promise.resolve(run).catch(function () { scheduleRetry(); }).then(function () {
      flushing = false;
    });
  }

  window.addEventListener("online", function () { retryDelay = 3000; flush(); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      flush();
    }
  });
  if (!form) {  // the cohort is closed or not started: still show (and try) what is pending
    if (window.indexedDB) {
      showStored().then(flush);
    }
    return;
  }
  var idInput = form.querySelector('input[name="id"]');
  var limits = form.dataset;

  /* ---- the form: product buttons, quantity, amount ---- */

  function chosenProduct() {
    var checked = form.querySelector('input[name="product"]:checked');
    return checked && checked.value ? checked : null;
  }

  function quantity() {
    var value = parseInt(form.elements.quantity.value, 10);
    return isNaN(value) || value < 1 ? 1 : value;
  }

  function centsToText(cents) {
    return Math.floor(cents / 100) + "," + String(cents % 100).padStart(2, "0");
  }

  function refreshAmount() {
    var product = chosenProduct();
    form.classList.toggle("has-product", Boolean(product));
    var hint = document.getElementById("h-amount");
    if (hint) {
      hint.textContent = product ? limits.hintProduct : limits.hintOther;
    }
    if (product) {
      form.elements.label.value = product.dataset.label;
      form.elements.amount.value = centsToText(Number(product.dataset.price) * quantity());
    }
  }

  // The server's own rules (ledger/drafts.py, core/fields.parse_amount), so that nothing is
  // queued that it would refuse: at most 9 digits and 2 decimals, above zero, under the ceiling.
  function amountCents(text) {
    var clean = String(text).replace(/[\s\u00a0\u202f€]/g, "").replace(",", ".");
    if (!/^\d{1,9}(\.\d{1,2})?$/.test(clean)) {
      return null;
    }
    var parts = clean.split(".");
    return Number(parts[0]) * 100 + Number(((parts[1] || "") + "00").slice(0, 2));
  }

  function centsToBody(cents) {
    return Math.floor(cents / 100) + "." + String(cents % 100).padStart(2, "0");
  }

  function showError(name, text) {
    var input = form.elements[name];
    var box = input.closest(".field");
    var id = "e-" + name;
    var old = document.getElementById(id);
    if (old) {
      old.remove();
    }
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (x) {
      return x && x !== id;
    });
    if (text) {
      var p = document.createElement("p");
      p.className = "error";
      p.id = id;
      p.textContent = text;
      box.appendChild(p);
      described.push(id);
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
    box.classList.toggle("invalid", Boolean(text));
    if (described.length) {
      input.setAttribute("aria-describedby", described.join(" "));
    } else {
      input.removeAttribute("aria-describedby");
    }
  }

  function check() {
    var errors = {};
    var label = form.elements.label.value.trim();
    if (!chosenProduct() && !label) {
      errors.label = limits.required;
    }
    var text = form.elements.amount.value.trim();
    var product = chosenProduct();
    var cents = null;
    if (!text && product) {
      text = centsToText(Number(product.dataset.price) * quantity());  // as the server does
    }
    if (!text) {
      errors.amount = limits.required;
    } else {
      cents = amountCents(text);
      if (cents === null) {
        errors.amount = limits.amountFormat;
      } else if (cents <= 0) {
        errors.amount = limits.amountPositive;
      } else if (cents > Number(limits.ceiling)) {
        errors.amount = limits.amountMax;
      }
    }
    ["label", "amount"].forEach(function (name) { showError(name, errors[name] || ""); });
    var first = errors.label ? form.elements.label : (errors.amount ? form.elements.amount : null);
    if (first) {
      say(messages.fix, true);
      first.focus();
      return null;
    }
    return { label: label, amount: centsToBody(cents) };
  }

  function selectProductFor(body) {
    var match = Array.prototype.find.call(
      form.querySelectorAll('input[name="product"]'),
      function (input) { return input.value && input.dataset.label === body.label; }
    );
    (match || form.querySelector('input[name="product"][value=""]')).checked = true;
  }

  // Put a refused sale back into the form, with what was wrong next to the field.
  function correct(item, row) {
    selectProductFor(item.body);
    form.elements.quantity.value = String(item.body.quantity || 1);
    refreshAmount();
    form.elements.label.value = item.body.label;
    form.elements.amount.value = centsToText(amountCents(item.body.amount) || 0);
    var method = form.querySelector('input[name="payment_method"][value="' +
      item.body.payment_method + '"]');
    if (method) {
      method.checked = true;
    }
    idInput.value = item.body.id;  // the same sale, corrected: still one entry at most
    return deleteItem(item.n).then(function () {
      row.remove();
      say("");
      check();
      form.scrollIntoView({ block: "start" });
    });
  }

  function forget(item, row) {
    return deleteItem(item.n).then(function () {
      row.remove();
      say("");
    });
  }

  function resetForm() {
    idInput.value = uuid4();
    form.elements.quantity.value = "1";
    form.elements.amount.value = "";
    form.elements.label.value = "";
    var first = form.querySelector('input[name="product"]');
    if (first) {
      first.checked = true;
    }
    refreshAmount();
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "product" || event.target.name === "quantity") {
      refreshAmount();
    }
  });
  Array.prototype.forEach.call(form.querySelectorAll("button.step"), function (b) {
    b.addEventListener("click", function () {
      form.elements.quantity.value = String(Math.max(1, quantity() + Number(b.dataset.step)));
      refreshAmount();
    });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();  // the page never leaves: offline, that would be a dead end
    var checked = check();
    if (!checked) {
      return;
    }
    if (!window.indexedDB) {
      if (navigator.onLine) {
        form.submit();  // no outbox on this phone: the plain form still works online
      } else {
        say(messages.noStore, true);
      }
      return;
    }
    var kind = form.querySelector('input[name="kind"]:checked') || form.elements.kind;
    var method = form.querySelector('input[name="payment_method"]:checked');
    var item = {
      participant: participant,
      state: "pending",
      body: {
        id: idInput.value,
        kind: kind.value || "sale",
        amount: checked.amount,
        quantity: quantity(),
        label: checked.label,
        payment_method: method ? method.value : "cash",
        occurred_at: new Date().toISOString(),
      },
    };
    putItem(item).then(function () {
      resetForm();  // stored on the phone: now the form may forget it
      return allItems();
    }).then(function (items) {
      items.filter(function (one) { return one.state !== "sent"; }).forEach(pendingRow);
      say(messages.queued);
      return flush();
    }).catch(function () {
      if (navigator.onLine) {
        form.submit();  // no IndexedDB here (private mode?): the plain form still works
      } else {
        say(messages.noStore, true);
      }
    });
  });

  idInput.value = uuid4();  // a page served from the cache must not reuse an id
  refreshAmount();
  form.dataset.ready = "1";  // the offline queue is in charge of this form from now on
  if (window.indexedDB) {
    showStored().then(flush);
  }
})();
