/// Read models projected from the event log.
public enum Projections {}
