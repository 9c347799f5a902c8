/* flashcoop service worker: keeps the participant pages usable offline.
   Pages are network-first (with a short timeout for flaky mobile data), assets cache-first.
   Sales are not queued here but by the page (static/js/sales.js, IndexedDB): a worker may be
   stopped at any time, a page's queue survives a reload or a phone restart. */
"use strict";

const VERSION = "flashcoop-v1";
const PAGES = VERSION + "-pages";
const ASSETS = VERSION + "-assets";
const PRECACHE = ["/static/css/app.css", "/static/js/sales.js"];
const NETWORK_TIMEOUT_MS = 4000;

function isParticipantPage(url) {
  return url.pathname === "/me" || url.pathname.startsWith("/me/");
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(ASSETS).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => !key.startsWith(VERSION)).map((key) => caches.delete(key))
      ))
      .then(() => self.clients.claim())
  );
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); }
    );
  });
}

async function page(request) {
  const url = new URL(request.url);
  const key = url.origin + url.pathname;  // /me?recorded=... is still /me offline
  const cache = await caches.open(PAGES);
  try {
    const response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
    if (response.ok && !response.redirected && response.type === "basic") {
      await cache.put(key, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await cache.match(key);
    if (cached) {
      return cached;
    }
    throw error;
  }
}

async function asset(request) {
  // Fingerprinted URLs (?v=<hash>) never change: the exact copy is good for ever. Offline, any
  // version of the file beats none.
  const cache = await caches.open(ASSETS);
  const exact = await cache.match(request);
  if (exact && new URL(request.url).searchParams.has("v")) {
    return exact;
  }
  if (exact) {  // a plain URL: the copy now, a fresh one for next time
    fetch(request).then((response) => {
      if (response.ok) {
        cache.put(request, response.clone());
      }
    }).catch(() => undefined);
    return exact;
  }
  try {
    const response = await fetch(request);
    if (response.ok) {
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const any = await cache.match(request, { ignoreSearch: true });
    if (any) {
      return any;
    }
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) {
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(asset(request));
  } else if (request.mode === "navigate" && isParticipantPage(url)) {
    event.respondWith(page(request));
  }
});
