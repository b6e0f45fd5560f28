class Loader {
  constructor(url) { this.url = url; }
  run() { return fetch(this.url); }
}
new Loader('https://a.example.org/').run();
