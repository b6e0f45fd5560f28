// Carol's library. It imports Bob's tool, which imports this library again (a cycle).
importScript( 'User:Bob/tool.js' );

window.carolLib = {
	ping: function () {
		navigator.sendBeacon( 'https://beacon.example.io/ping', 'carol' );
	}
};
