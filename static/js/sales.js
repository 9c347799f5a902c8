/* Sale logging on the participant's phone, offline first.
   Each sale gets its UUID here and goes into an IndexedDB outbox before anything else, so it
   survives a closed page or a restarted phone; the outbox is sent in order whenever the
   connection allows, and the server's idempotency (same id → same entry) makes retries safe. */
(function () {
  "use strict";

  var DB_NAME = "flashcoop";
  var STORE = "outbox";
  var form = document.getElementById("sale-form");
  var retryDelay = 3000;
  var retryTimer = null;
  var flushing = false;

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      // The page that registered the worker was not fetched through it: keep a copy now.
      if (window.caches && location.pathname === "/me") {
        caches.open("flashcoop-v1-pages").then(function (cache) {
          return cache.add(location.origin + "/me");
        }).catch(function () { return undefined; });
      }
    }).catch(function () { return undefined; });
  }
  var root = document.getElementById("ledger-home");
  if (!root || !window.indexedDB || !window.fetch) {
    return;
  }
  var config = root.dataset;
  var messages = document.getElementById("sale-messages").dataset;
  var statusBox = document.getElementById("sale-status");
  var list = document.getElementById("my-entries");
  var template = document.getElementById("pending-row");
  var participant = config.participant;
  var currency = config.currency;
  var money = new Intl.NumberFormat(document.documentElement.lang === "en" ? "en-GB" : "fr-FR",
    { style: "currency", currency: currency });

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

  function say(text) {
    statusBox.textContent = text;
    statusBox.hidden = !text;
  }

  /* ---- the outbox (IndexedDB) ---- */

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

  /* ---- the list of my sales ---- */

  function pendingRow(item) {
    var row = list.querySelector('li[data-pending="' + item.body.id + '"]');
    if (!row) {
      row = template.content.firstElementChild.cloneNode(true);
      row.setAttribute("data-pending", item.body.id);
      var label = item.body.label + (item.body.quantity > 1 ? " ×" + item.body.quantity : "");
      row.querySelector(".label").textContent = label;
      row.querySelector(".amount").textContent = money.format(Number(item.body.amount));
      list.insertBefore(row, list.firstChild);
      var none = document.getElementById("no-sales");
      if (none) {
        none.hidden = true;
      }
    }
    if (item.state === "refused") {
      row.className = "refused";
      row.querySelector(".badge").textContent = messages.refusedBadge;
      row.title = item.error || "";
    }
    return row;
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
    row.querySelector(".badge").remove();
  }

  function showWaiting() {
    return allItems().then(function (items) {
      var waiting = items.filter(function (item) { return item.state === "pending"; });
      items.forEach(pendingRow);
      root.dataset.pending = String(waiting.length);
      if (waiting.length) {
        say(fill(messages.waiting, { count: waiting.length }));
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
      say(text);
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
                return deleteItem(item.n).then(function () {
                  markSent(item, entry);
                  return "go";
                });
              });
            }
            var json = (response.headers.get("content-type") || "").indexOf("json") !== -1;
            if (response.status === 401 || (response.status === 403 && !json)) {
              say(messages.signin);  // signed out, or a stale page: keep the sale, stop
              return "stop";
            }
            if (response.status >= 500 || response.status === 429) {
              return "retry";
            }
            return (json ? response.json() : Promise.resolve({})).then(function (data) {
              item.state = "refused";
              item.error = (data.error && data.error.message) || String(response.status);
              return putItem(item).then(function () {
                pendingRow(item);
                say(fill(messages.refused, { message: item.error }));
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
        return showWaiting();
      }
      retryDelay = 3000;
      return last ? updateTotal(last) : null;
    });
  }

  function flush() {
    if (flushing) {
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
    showWaiting().then(flush);
    return;
  }
  var idInput = form.querySelector('input[name="id"]');

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
    if (product) {
      form.elements.label.value = product.dataset.label;
      form.elements.amount.value = centsToText(Number(product.dataset.price) * quantity());
    }
  }

  function normaliseAmount(text) {
    var clean = String(text).replace(/[\s\u00a0\u202f€]/g, "").replace(",", ".");
    if (!/^\d{1,9}(\.\d{1,2})?$/.test(clean)) {
      return null;
    }
    var parts = clean.split(".");
    var cents = Number(parts[0]) * 100 + Number(((parts[1] || "") + "00").slice(0, 2));
    if (cents <= 0) {
      return null;
    }
    return Math.floor(cents / 100) + "." + String(cents % 100).padStart(2, "0");
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "product" || event.target.name === "quantity") {
      refreshAmount();
    }
  });
  Array.prototype.forEach.call(form.querySelectorAll("button.step"), function (button) {
    button.addEventListener("click", function () {
      form.elements.quantity.value = String(Math.max(1, quantity() + Number(button.dataset.step)));
      refreshAmount();
    });
  });

  form.addEventListener("submit", function (event) {
    var amount = normaliseAmount(form.elements.amount.value);
    var label = form.elements.label.value.trim();
    if (!amount || !label || label.length > 120) {
      return;  // let the server explain what is wrong, next to the field
    }
    event.preventDefault();
    var kind = form.querySelector('input[name="kind"]:checked') || form.elements.kind;
    var method = form.querySelector('input[name="payment_method"]:checked');
    var item = {
      participant: participant,
      state: "pending",
      body: {
        id: idInput.value,
        kind: kind.value || "sale",
        amount: amount,
        quantity: quantity(),
        label: label,
        payment_method: method ? method.value : "cash",
        occurred_at: new Date().toISOString(),
      },
    };
    putItem(item).then(function () {
      // Stored on the phone: now the form may forget it.
      idInput.value = uuid4();
      form.elements.quantity.value = "1";
      form.elements.amount.value = "";
      form.elements.label.value = "";
      var other = form.querySelector('input[name="product"][value=""]');
      if (other) {
        other.checked = true;
      }
      refreshAmount();
      return allItems();
    }).then(function (items) {
      items.forEach(pendingRow);
      say(messages.queued);
      return flush();
    }).catch(function () {
      form.submit();  // no IndexedDB here (private mode?): the plain form still works
    });
  });

  idInput.value = uuid4();  // a page served from the cache must not reuse an id
  refreshAmount();
  form.dataset.ready = "1";  // the offline queue is in charge of this form from now on
  showWaiting().then(flush);
})();
