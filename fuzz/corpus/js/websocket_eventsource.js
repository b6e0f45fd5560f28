var ws = new WebSocket('wss://live.example.org/feed');
var es = new EventSource('https://live.example.org/events');
