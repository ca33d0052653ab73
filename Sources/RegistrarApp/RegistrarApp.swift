// The application layer arrives with the domain.
