// Whether the user asked cannot be told from this file.
window.MapTool = {
	open: function () {
		mw.loader.load( 'https://unk.example.com/map.js' );
	}
};

module.exports = function loadCharts() {
	$.getScript( 'https://unk.example.com/charts.js' );
};

// Handed to another gadget's registration API: when it runs is up to that gadget.
window.SidebarTools.register( 'weather', function () {
	fetch( 'https://unk.example.net/weather.json' );
} );
