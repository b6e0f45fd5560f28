//! `offsite csp generate`: the smallest policy that allows exactly the loads the offsite policy permits.
