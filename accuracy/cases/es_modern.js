// Modern syntax: arrows, classes, async, optional chaining, spread.
const CDN = 'https://modern.example.com';

class Widget {
	static #instances = 0;

	constructor( opts = {} ) {
		this.opts = { theme: 'light', ...opts };
		Widget.#instances++;
	}

	async init() {
		await mw.loader.using( 'mediawiki.util' );
		const res = await fetch( `${ CDN }/config/${ this.opts.theme }.json` );
		const data = await res?.json?.();
		return data ?? {};
	}

	styles() {
		mw.loader.load( `${ CDN }/widget.css`, 'text/css' );
	}
}

const w = new Widget();
w.init().then( () => w.styles() );

const loaders = {
	chart: () => $.getScript( 'https://modern.example.net/chart.js' ),
	icons: async () => ( await import( 'https://modern.example.net/icons.mjs' ) ).default
};
const wanted = mw.config.get( 'wgModernWanted' ) ?? 'chart';
loaders[ wanted ]?.();

label: for ( const x of [ 1 ] ) {
	if ( x ) {
		break label;
	}
}
