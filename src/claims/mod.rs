//! Claims: quotations in the text, and who said them (speaker, cue), through which
//! publication (source), about which company (target).
